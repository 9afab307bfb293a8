package auth

import (
	"context"
	"errors"
	"strings"
)

// FlowSecret is the client secret login.
const FlowSecret = "secret"

// secretFlow is client credentials with a client secret (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow).
// The secret stays in this process's memory only.
type secretFlow struct{}

func init() {
	registerFlow(FlowSecret, secretFlow{}, "an app's client secret: clientSecret, else $AZURE_CLIENT_SECRET, else asked without echo")
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
		return nil, errors.New(errNoClientSecret)
	}
	return s.appLogin(ctx, FlowSecret, tenant, clientID, o.Scope, source, appCredential{clientID: clientID, secret: secret})
}

const errNoClientSecret = "the secret flow needs a client secret: pass clientSecret or set AZURE_CLIENT_SECRET"

// missingSecret: the client secret, when neither clientSecret nor
// AZURE_CLIENT_SECRET holds it.
func (secretFlow) missingSecret(o LoginOptions, getenv func(string) string) *MissingSecret {
	if o.ClientSecret != "" || getenv("AZURE_CLIENT_SECRET") != "" {
		return nil
	}
	return &MissingSecret{Prompt: "Client secret (not echoed): ", NoTerminal: errNoClientSecret,
		fill: func(o *LoginOptions, secret string) { o.ClientSecret = secret }}
}

// credential: AZURE_CLIENT_SECRET when the environment names the same app.
func (secretFlow) credential(s *Session, a Account) (credential, error) {
	if sec := s.env("AZURE_CLIENT_SECRET"); sec != "" && strings.EqualFold(s.env("AZURE_CLIENT_ID"), a.ClientID) {
		return appCredential{clientID: a.ClientID, secret: sec}, nil
	}
	return nil, errNoCredential(a, "secret")
}
