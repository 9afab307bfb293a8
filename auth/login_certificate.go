package auth

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
)

// certificateFlow is client credentials with a certificate assertion
// (https://learn.microsoft.com/entra/identity-platform/certificate-credentials). The key stays in this process's memory only.
type certificateFlow struct{}

func init() { registerFlow(FlowCertificate, certificateFlow{}) }

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
	return s.appLogin(ctx, FlowCertificate, tenant, clientID, o.Scope, source+" ("+path+")", appCredential{clientID: clientID, cert: cert, alg: o.Alg})
}

// credential: AZURE_CLIENT_CERTIFICATE_PATH when the environment names the
// same app.
func (certificateFlow) credential(s *Session, a Account) (credential, error) {
	if p := s.env("AZURE_CLIENT_CERTIFICATE_PATH"); p != "" && strings.EqualFold(s.env("AZURE_CLIENT_ID"), a.ClientID) {
		cert, err := LoadCertificate(filepath.SplitList(p)...)
		if err != nil {
			return nil, err
		}
		return appCredential{clientID: a.ClientID, cert: cert}, nil
	}
	return nil, errNoCredential(a, "certificate")
}
