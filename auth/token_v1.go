package auth

import (
	"context"
	"fmt"
	"strings"
)

// v1Credential is an app credential that can also ask the v1 endpoint
// (resource= instead of scope=): a secret, a certificate, a federated
// assertion. Managed identity endpoints are resource-based already.
type v1Credential interface {
	tokenV1(ctx context.Context, s *Session, tenant, resource string) (*TokenResponse, error)
}

// resourceOfScope is the v1 resource a v2 scope asks for: RESOURCE/.default
// gives RESOURCE verbatim (ARM's "…//.default" gives
// "https://management.core.windows.net/"). A v1 request names a resource,
// not permissions, so a named permission is refused with one line.
func resourceOfScope(scope string) (string, error) {
	var res []string
	for _, s := range strings.Fields(scope) {
		if !reservedScopes[strings.ToLower(s)] {
			res = append(res, s)
		}
	}
	if len(res) != 1 || !strings.HasSuffix(res[0], "/.default") {
		return "", fmt.Errorf("token(…, {v1: true}): the v1 endpoint takes one resource, not %q: pass the resource (e.g. https://graph.microsoft.com) or RESOURCE/.default", scope)
	}
	return strings.TrimSuffix(res[0], "/.default"), nil
}

// tokenV1 is Token through the v1 endpoint: the refresh token (user logins)
// or the app's credential redeemed with resource=. Its access token is
// cached under the bare resource, a key no v2 request produces (bare
// resources become RESOURCE/.default), so a v1 call never answers a v2
// one from the cache nor the reverse.
func (s *Session) tokenV1(ctx context.Context, d *cacheData, acct Account, tenant, clientID, scope string, o TokenOptions) (*Token, error) {
	resource, err := resourceOfScope(scope)
	if err != nil {
		return nil, err
	}
	if !o.Force {
		if e, ok := d.freshAccess(acct.Environment, tenant, clientID, acct.HomeAccountID, resource); ok {
			t := newToken(e.Secret, firstNonEmpty(e.GrantedScope, scope), e.TokenType, e.expiresOn(), tenant, clientID, acct, true)
			t.Resource = resource
			return t, nil
		}
	}
	var tr *TokenResponse
	if acct.isApp() {
		if !strings.EqualFold(clientID, acct.ClientID) {
			return nil, fmt.Errorf("app login %s cannot get tokens as client %s: log in as that app", acct.ClientID, clientID)
		}
		cred, err := s.credentialFor(acct)
		if err != nil {
			return nil, err
		}
		v1, ok := cred.(v1Credential)
		if cred == nil || !ok {
			return nil, fmt.Errorf("token(…, {v1: true}): the %s login has no v1 exchange (a secret, certificate, workload identity or user login has): use token(%q) without v1", acct.Flow, resource)
		}
		if tr, err = v1.tokenV1(ctx, s, tenant, resource); err != nil {
			return nil, err
		}
	} else {
		rt, err := findRefresh(d, acct, clientID)
		if err != nil {
			return nil, err
		}
		// ADAL's v1 refresh: grant_type, client_id, refresh_token, resource.
		tr, err = refreshTokenGrant(ctx, s.cfg.HTTP, tokenParams{endpoint: s.cfg.Cloud.TokenURLV1(tenant), clientID: clientID, resource: resource}, rt.Secret)
		if err != nil {
			return nil, explainRefreshError(withPreauthAdvice(err, clientID, scope), acct, clientID, rt)
		}
	}
	a := acct
	a.ClientID = clientID
	if err := s.save(saved{account: a, tenant: tenant, scope: resource, resp: tr}); err != nil {
		return nil, err
	}
	t := newToken(tr.AccessToken, firstNonEmpty(tr.Scope, scope), tr.TokenType, tr.ExpiresOn, tenant, clientID, acct, false)
	t.Resource = firstNonEmpty(tr.Resource, resource)
	t.NotBefore = tr.NotBefore
	return t, nil
}
