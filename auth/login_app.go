package auth

import (
	"context"
	"fmt"
)

// appIdentity is the tenant and client of an app login: the options, else
// AZURE_TENANT_ID / AZURE_CLIENT_ID.
func (s *Session) appIdentity(flow string, o LoginOptions) (tenant, clientID string, err error) {
	tenant = firstNonEmpty(o.Tenant, s.env("AZURE_TENANT_ID"))
	clientID = firstNonEmpty(o.ClientID, s.env("AZURE_CLIENT_ID"))
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
	scope = firstNonEmpty(scope, DefaultScope)
	tr, err := c.token(ctx, s, tenant, scope)
	if err != nil {
		return nil, err
	}
	a := s.appAccount(flow, tenant, clientID, tr)
	a.Source = source
	return &loginResult{account: a, tenant: tenant, scope: scope, resp: tr, cred: c}, nil
}

// errNoCredential says an app login's credential lives in memory only.
func errNoCredential(a Account, what string) error {
	return fmt.Errorf("%w: the %s of app %s is kept in memory only and this process does not have it: run login({flow: %q, tenant: %q, clientId: %q, ...}) again",
		ErrLoginNeeded, what, a.ClientID, a.Flow, a.Tenant, a.ClientID)
}
