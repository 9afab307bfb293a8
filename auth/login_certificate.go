package auth

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
)

// certificateFlow is client credentials with a certificate assertion
// (entra.md §5.2). The key stays in this process's memory only.
type certificateFlow struct{}

func init() { registerFlow(FlowCertificate, certificateFlow{}) }

type certificateCredential struct {
	clientID string
	cert     *ClientCertificate
	alg      string
}

func (c certificateCredential) token(ctx context.Context, s *Session, tenant, scope string) (*TokenResponse, error) {
	return ClientCertificateToken(ctx, s.cfg.HTTP, s.cfg.Cloud.TokenURL(tenant), c.clientID, c.cert, c.alg, scope)
}

// tokenV1 is the same grant at the v1 endpoint (the assertion addressed
// to it), with resource=.
func (c certificateCredential) tokenV1(ctx context.Context, s *Session, tenant, resource string) (*TokenResponse, error) {
	u := s.cfg.Cloud.TokenURLV1(tenant)
	form, err := certificateForm(u, c.clientID, c.cert, c.alg)
	if err != nil {
		return nil, err
	}
	return requestToken(ctx, s.cfg.HTTP, u, v1Form(form, resource), "", "")
}

func (certificateFlow) login(ctx context.Context, s *Session, o LoginOptions) (*loginResult, error) {
	tenant, clientID, err := s.appIdentity(FlowCertificate, o)
	if err != nil {
		return nil, err
	}
	path, source := o.CertificatePath, "option certificate"
	if path == "" {
		path, source = s.env("AZURE_CLIENT_CERTIFICATE_PATH"), "env AZURE_CLIENT_CERTIFICATE_PATH"
	}
	if path == "" {
		return nil, errors.New("the certificate flow needs a PEM file: pass certificate or set AZURE_CLIENT_CERTIFICATE_PATH")
	}
	cert, err := LoadCertificate(filepath.SplitList(path)...)
	if err != nil {
		return nil, err
	}
	return s.appLogin(ctx, FlowCertificate, tenant, clientID, o.Scope, source+" ("+path+")", certificateCredential{clientID, cert, o.Alg})
}

// credential: AZURE_CLIENT_CERTIFICATE_PATH when the environment names the
// same app.
func (certificateFlow) credential(s *Session, a Account) (credential, error) {
	if p := s.env("AZURE_CLIENT_CERTIFICATE_PATH"); p != "" && strings.EqualFold(s.env("AZURE_CLIENT_ID"), a.ClientID) {
		cert, err := LoadCertificate(filepath.SplitList(p)...)
		if err != nil {
			return nil, err
		}
		return certificateCredential{a.ClientID, cert, ""}, nil
	}
	return nil, errNoCredential(a, "certificate")
}
