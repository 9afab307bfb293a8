package auth

import (
	"context"
	"errors"
	"net/url"
	"strings"
)

// secretFlow is client credentials with a client secret (entra.md §5.1).
// The secret stays in this process's memory only.
type secretFlow struct{}

func init() { registerFlow(FlowSecret, secretFlow{}) }

type secretCredential struct{ clientID, secret string }

func (c secretCredential) token(ctx context.Context, s *Session, tenant, scope string) (*TokenResponse, error) {
	return ClientSecretToken(ctx, s.cfg.HTTP, s.cfg.Cloud.TokenURL(tenant), c.clientID, c.secret, scope)
}

// tokenV1 is the same grant at the v1 endpoint, with resource=.
func (c secretCredential) tokenV1(ctx context.Context, s *Session, tenant, resource string) (*TokenResponse, error) {
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {c.clientID}, "client_secret": {c.secret}}
	return requestToken(ctx, s.cfg.HTTP, s.cfg.Cloud.TokenURLV1(tenant), v1Form(form, resource), "", "")
}

func (secretFlow) login(ctx context.Context, s *Session, o LoginOptions) (*loginResult, error) {
	tenant, clientID, err := s.appIdentity(FlowSecret, o)
	if err != nil {
		return nil, err
	}
	secret, source := o.ClientSecret, "option clientSecret"
	if secret == "" {
		secret, source = s.env("AZURE_CLIENT_SECRET"), "env AZURE_CLIENT_SECRET"
	}
	if secret == "" {
		return nil, errors.New("the secret flow needs a client secret: pass clientSecret or set AZURE_CLIENT_SECRET")
	}
	return s.appLogin(ctx, FlowSecret, tenant, clientID, o.Scope, source, secretCredential{clientID, secret})
}

// credential: AZURE_CLIENT_SECRET when the environment names the same app.
func (secretFlow) credential(s *Session, a Account) (credential, error) {
	if sec := s.env("AZURE_CLIENT_SECRET"); sec != "" && strings.EqualFold(s.env("AZURE_CLIENT_ID"), a.ClientID) {
		return secretCredential{a.ClientID, sec}, nil
	}
	return nil, errNoCredential(a, "secret")
}
