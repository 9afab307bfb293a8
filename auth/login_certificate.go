package auth

import (
	"context"
	"errors"
	"strings"
)

// FlowCertificate is the certificate login.
const FlowCertificate = "certificate"

// certificateFlow is client credentials with a certificate assertion
// (https://learn.microsoft.com/entra/identity-platform/certificate-credentials). The key stays in this process's memory only.
type certificateFlow struct{}

func init() {
	registerFlow(FlowCertificate, certificateFlow{}, "an app's certificate: PEM path(s) with the key and certificate in certificate, else $AZURE_CLIENT_CERTIFICATE_PATH")
}

func (certificateFlow) login(ctx context.Context, s *Session, o LoginOptions) (*loginResult, error) {
	tenant, clientID, err := s.appIdentity(FlowCertificate, o)
	if err != nil {
		return nil, err
	}
	paths, source := o.CertificatePath, "option certificate"
	if len(paths) == 0 {
		paths, source = envCertificate(s), "env AZURE_CLIENT_CERTIFICATE_PATH"
	}
	if len(paths) == 0 {
		return nil, errors.New("the certificate flow needs a PEM file: pass certificate or set AZURE_CLIENT_CERTIFICATE_PATH")
	}
	cert, err := LoadCertificate(paths...)
	if err != nil {
		return nil, err
	}
	return s.appLogin(ctx, FlowCertificate, tenant, clientID, o.Scope, source+" ("+strings.Join(paths, ", ")+")", appCredential{clientID: clientID, cert: cert, alg: o.Alg})
}

// envCertificate is the file AZURE_CLIENT_CERTIFICATE_PATH names: one file
// with the key and the certificate, as azidentity's EnvironmentCredential
// reads it (https://pkg.go.dev/github.com/Azure/azure-sdk-for-go/sdk/azidentity#EnvironmentCredential),
// never a list — a list would let the environment pair a certificate of
// its choosing with a private key kept in any other file, and have azrepl
// sign assertions with that key.
func envCertificate(s *Session) []string {
	if p := s.env("AZURE_CLIENT_CERTIFICATE_PATH"); p != "" {
		return []string{p}
	}
	return nil
}

// credential: AZURE_CLIENT_CERTIFICATE_PATH when the environment names the
// same app.
func (certificateFlow) credential(s *Session, a Account) (credential, error) {
	if p := envCertificate(s); p != nil && strings.EqualFold(s.env("AZURE_CLIENT_ID"), a.ClientID) {
		cert, err := LoadCertificate(p...)
		if err != nil {
			return nil, err
		}
		return appCredential{clientID: a.ClientID, cert: cert}, nil
	}
	return nil, errNoCredential(a, "certificate")
}
