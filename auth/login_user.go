package auth

import (
	"cmp"
	"errors"
)

// userResult is what the person-in-the-loop flows share: the token response
// identifies the user, and later tokens come from its refresh token.
func (s *Session) userResult(tr *TokenResponse, flow, tenant, clientID, scope string) (*loginResult, error) {
	a := accountFromResponse(tr)
	a.ClientID, a.Flow, a.Tenant = clientID, flow, tenant
	a.Environment, a.Authority = s.cfg.Cloud.host(), s.cfg.Cloud.Authority(tenant)
	if a.HomeAccountID == "" {
		return nil, errors.New("the token response identifies no user (no id_token or client_info)")
	}
	a.Source = flow + " sign-in by a person; later tokens from its refresh token in the cache"
	return &loginResult{account: a, tenant: tenant, scope: scope, resp: tr}, nil
}

// userDefaults are az login's: the Azure CLI client, "organizations", ARM.
func userDefaults(o LoginOptions) (tenant, clientID, scope string) {
	return cmp.Or(o.Tenant, DefaultTenant), cmp.Or(o.ClientID, AzureCLIClientID), cmp.Or(o.Scope, DefaultScope)
}

// refreshing is the credential rule of user flows: none, the refresh token
// renews.
type refreshing struct{}

func (refreshing) credential(*Session, Account) (credential, error) { return nil, nil }
