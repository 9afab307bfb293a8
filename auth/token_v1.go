package auth

import (
	"context"
	"fmt"
	"strings"
)

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

// tokenV1 makes the job ask the v1 endpoint: the refresh token (user
// logins) or the app's credential redeemed with resource=. Its access token
// is cached under the bare resource, a key no v2 request produces (bare
// resources become RESOURCE/.default), so a v1 call never answers a v2
// one from the cache nor the reverse.
func (s *Session) tokenV1(j *tokenJob, d *cacheData) error {
	scope := j.key
	resource, err := resourceOfScope(scope)
	if err != nil {
		return err
	}
	j.key, j.resource = resource, resource
	acct, clientID, tenant := j.account, j.clientID, j.tenant
	j.exchange = func(ctx context.Context) (*TokenResponse, error) {
		if acct.isApp() {
			cred, err := s.appCredentialOf(acct, clientID)
			if err != nil {
				return nil, err
			}
			v1, ok := cred.(appCredential)
			if !ok {
				return nil, fmt.Errorf("token(…, {v1: true}): the %s login has no v1 exchange (a secret, certificate, workload identity or user login has): use token(%q) without v1", acct.Flow, resource)
			}
			return v1.tokenV1(ctx, s, tenant, resource)
		}
		rt, err := findRefresh(d, acct, clientID)
		if err != nil {
			return nil, err
		}
		// ADAL's v1 refresh: grant_type, client_id, refresh_token, resource.
		tr, err := refreshTokenGrant(ctx, s.cfg.HTTP, tokenParams{endpoint: s.cfg.Cloud.TokenURLV1(tenant), clientID: clientID, resource: resource}, rt.Secret)
		if err != nil {
			return nil, explainRefreshError(withPreauthAdvice(err, clientID, scope), acct, clientID, rt)
		}
		return tr, nil
	}
	return nil
}
