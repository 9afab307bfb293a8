package auth

import (
	"cmp"
	"context"
	"fmt"
)

// appIdentity is the tenant and client of an app login: the options, else
// AZURE_TENANT_ID / AZURE_CLIENT_ID.
func (s *Session) appIdentity(flow string, o LoginOptions) (tenant, clientID string, err error) {
	tenant = cmp.Or(o.Tenant, s.env("AZURE_TENANT_ID"))
	clientID = cmp.Or(o.ClientID, s.env("AZURE_CLIENT_ID"))
	if tenant == "" || tenant == "organizations" || tenant == "common" {
		return "", "", fmt.Errorf("the %s flow needs the app's tenant (a GUID or domain): pass tenant or set AZURE_TENANT_ID", flow)
	}
	if clientID == "" {
		return "", "", fmt.Errorf("the %s flow needs the app's client id: pass clientId or set AZURE_CLIENT_ID", flow)
	}
	return tenant, clientID, nil
}

// appLogin gets the first token of an app flow with its credential and
// keeps the credential in memory for the later ones.
func (s *Session) appLogin(ctx context.Context, flow, tenant, clientID, scope, source string, c credential) (*loginResult, error) {
	scope = cmp.Or(scope, DefaultScope)
	tr, err := c.token(ctx, s, tenant, scope)
	if err != nil {
		return nil, err
	}
	a := s.appAccount(flow, tenant, clientID, tr)
	a.Source = source
	return &loginResult{account: a, tenant: tenant, scope: scope, resp: tr, cred: c}, nil
}

// appCredential is an app's own credential, kept in memory only: a secret,
// a certificate, or a source of federated assertions (read or fetched anew
// before every exchange). It authenticates the app's client-credentials
// requests at the v2 endpoint (scope=) and the v1 endpoint (resource=), and
// its on-behalf-of requests.
type appCredential struct {
	clientID  string
	secret    string
	cert      *ClientCertificate
	alg       string
	federated *assertionSource
}

func (c appCredential) authenticate(ctx context.Context, s *Session) (clientAuth, error) {
	if c.federated != nil {
		a, err := c.federated.assertion(ctx, s)
		return clientAuth{assertion: a}, err
	}
	return clientAuth{secret: c.secret, cert: c.cert, alg: c.alg}, nil
}

func (c appCredential) token(ctx context.Context, s *Session, tenant, scope string) (*TokenResponse, error) {
	return c.clientCredentials(ctx, s, tokenParams{endpoint: s.cfg.Cloud.TokenURL(tenant), scope: scope})
}

// tokenV1 is the same grant at the v1 endpoint, with resource= (a
// certificate's assertion is addressed to that endpoint).
func (c appCredential) tokenV1(ctx context.Context, s *Session, tenant, resource string) (*TokenResponse, error) {
	return c.clientCredentials(ctx, s, tokenParams{endpoint: s.cfg.Cloud.TokenURLV1(tenant), resource: resource})
}

func (c appCredential) clientCredentials(ctx context.Context, s *Session, p tokenParams) (*TokenResponse, error) {
	auth, err := c.authenticate(ctx, s)
	if err != nil {
		return nil, err
	}
	p.clientID, p.auth = c.clientID, auth
	tr, err := clientCredentialsToken(ctx, s.cfg.HTTP, p)
	if err != nil && c.federated != nil {
		return nil, explainAssertionError(err, *c.federated)
	}
	return tr, err
}

// errNoCredential says an app login's credential lives in memory only.
func errNoCredential(a Account, what string) error {
	return fmt.Errorf("%w: the %s of app %s is kept in memory only and this process does not have it: run login({flow: %q, tenant: %q, clientId: %q, ...}) again",
		ErrLoginNeeded, what, a.ClientID, a.Flow, a.Tenant, a.ClientID)
}
