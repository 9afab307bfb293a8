package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Token returns an access token for scope: a cached one that is not about
// to expire, else one from the login's refresh token redeemed for that
// scope (any resource: the refresh token is not bound to one), else a new
// client-credentials token for app logins, else an error naming the login
// needed. TokenOptions.ClientID of another FOCI family client redeems the
// family refresh token as that client.
func (s *Session) Token(ctx context.Context, scope string, o TokenOptions) (*Token, error) {
	// The resource form (az --resource): "https://graph.microsoft.com",
	// ARM's "https://management.core.windows.net/", an app id GUID.
	scope = ScopeOrResource(scope)
	if scope == "" {
		scope = DefaultScope
	}
	d, err := s.cache.read()
	if err != nil {
		return nil, err
	}
	acct, err := pickAccount(d, o.Account)
	if err != nil {
		return nil, err
	}
	clientID := firstNonEmpty(o.ClientID, acct.ClientID)
	tenant := tokenTenant(acct, o.Tenant)
	if o.OnBehalfOf != "" {
		if o.V1 {
			return nil, errors.New("token(…, {onBehalfOf, v1}): on-behalf-of is a v2 exchange here: drop v1")
		}
		return s.onBehalfOf(ctx, acct, tenant, scope, o.OnBehalfOf)
	}
	if o.V1 {
		return s.tokenV1(ctx, d, acct, tenant, clientID, scope, o)
	}
	norm := normalizeScope(scope)
	if !o.Force && o.Claims == "" {
		if e, ok := d.freshAccess(acct.Environment, tenant, clientID, acct.HomeAccountID, norm); ok {
			return newToken(e.Secret, firstNonEmpty(e.GrantedScope, e.Scope), e.TokenType, e.expiresOn(), tenant, clientID, acct, true), nil
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
		if cred == nil {
			return nil, fmt.Errorf("%w: app login %s (flow %q) has no credential here: run login() again", ErrLoginNeeded, acct.ClientID, acct.Flow)
		}
		if tr, err = cred.token(ctx, s, tenant, scope); err != nil {
			return nil, err
		}
	} else {
		rt, err := findRefresh(d, acct, clientID)
		if err != nil {
			return nil, err
		}
		extra := s.userExtra()
		if o.Claims != "" {
			// A resource's claims challenge replaces the CP1 capability
			// claims: the new token must satisfy what the resource asked.
			extra["claims"] = []string{o.Claims}
		}
		tr, err = refreshTokenGrant(ctx, s.cfg.HTTP, tokenParams{endpoint: s.cfg.Cloud.TokenURL(tenant), clientID: clientID, scope: userScope(scope), extra: extra}, rt.Secret)
		if err != nil {
			return nil, explainRefreshError(explainMFA(explainClaimsRefusal(withPreauthAdvice(err, clientID, scope), acct, o.Claims), acct, scope), acct, clientID, rt)
		}
	}
	a := acct
	a.ClientID = clientID
	if err := s.save(saved{account: a, tenant: tenant, scope: scope, resp: tr}); err != nil {
		return nil, err
	}
	return newToken(tr.AccessToken, firstNonEmpty(tr.Scope, scope), tr.TokenType, tr.ExpiresOn, tenant, clientID, acct, false), nil
}

// tokenTenant: an explicit tenant wins; after a multi-tenant login
// (organizations, common) the home tenant GUID is used, as az does.
func tokenTenant(a Account, want string) string {
	if want != "" {
		return want
	}
	switch strings.ToLower(a.Tenant) {
	case "", "organizations", "common":
		if a.TenantID != "" {
			return a.TenantID
		}
	}
	return firstNonEmpty(a.Tenant, DefaultTenant)
}

func pickAccount(d *cacheData, who string) (Account, error) {
	if who == "" {
		if a, ok := d.Accounts[d.Default]; ok {
			return a, nil
		}
		if len(d.Accounts) == 0 {
			return Account{}, fmt.Errorf("%w: run login() first (or login({flow: \"azcli\"}) to reuse an az login)", ErrLoginNeeded)
		}
		for _, a := range d.Accounts {
			return a, nil
		}
	}
	// The default account first, then a home account before the same
	// person's guest accounts.
	match := func(a Account) bool {
		return strings.EqualFold(a.Username, who) || strings.EqualFold(a.HomeAccountID, who) || a.isApp() && strings.EqualFold(a.ClientID, who)
	}
	if a, ok := d.Accounts[d.Default]; ok && match(a) {
		return a, nil
	}
	var guest *Account
	for _, a := range d.Accounts {
		if match(a) {
			if a.GuestTenantID == "" {
				return a, nil
			}
			guest = &a
		}
	}
	if guest != nil {
		return *guest, nil
	}
	return Account{}, fmt.Errorf("%w: no account %q is signed in: run login() for it", ErrLoginNeeded, who)
}

// findRefresh picks the refresh token of the client, else a FOCI family
// refresh token of the same account (the newest).
func findRefresh(d *cacheData, a Account, clientID string) (refreshEntry, error) {
	if e, ok := d.RefreshTokens[refreshKey(a.Environment, a.HomeAccountID, clientID)]; ok {
		return e, nil
	}
	var best refreshEntry
	for _, e := range d.RefreshTokens {
		if e.FamilyID != "" && strings.EqualFold(e.Environment, a.Environment) &&
			strings.EqualFold(e.HomeAccountID, a.HomeAccountID) && e.UpdatedAt > best.UpdatedAt {
			best = e
		}
	}
	if best.Secret != "" {
		return best, nil
	}
	if !strings.EqualFold(clientID, a.ClientID) {
		return refreshEntry{}, fmt.Errorf("%w: no refresh token usable by client %s for %s (its login's client %s is not in a FOCI family): run login({clientId: %q})",
			ErrLoginNeeded, clientID, a.Username, a.ClientID, clientID)
	}
	return refreshEntry{}, fmt.Errorf("%w: no refresh token for %s with client %s: run login() again", ErrLoginNeeded, a.Username, clientID)
}

func explainRefreshError(err error, a Account, clientID string, rt refreshEntry) error {
	var ee *EntraError
	if !errors.As(err, &ee) {
		return err
	}
	if !strings.EqualFold(rt.ClientID, clientID) && (ee.Err == "invalid_grant" || ee.Err == "invalid_client" || ee.Err == "unauthorized_client") {
		return fmt.Errorf("the family refresh token of client %s was refused for client %s (not a FOCI family member?): run login({clientId: %q}): %w", rt.ClientID, clientID, clientID, ee)
	}
	return ee
}

func newToken(at, scope, typ string, exp time.Time, tenant, clientID string, a Account, cached bool) *Token {
	t := &Token{AccessToken: at, Scope: scope, TokenType: firstNonEmpty(typ, "Bearer"), ExpiresOn: exp,
		Tenant: tenant, ClientID: clientID, Account: a, FromCache: cached}
	if j, err := DecodeJWT(at); err == nil {
		t.Claims = j.Claims
		switch v := j.Claims["aud"].(type) {
		case string:
			t.Audience = v
		case []any:
			if len(v) > 0 {
				t.Audience, _ = v[0].(string)
			}
		}
	}
	return t
}
