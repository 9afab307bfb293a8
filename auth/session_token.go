package auth

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
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
	acct, err := s.pickAccount(d, o.Account)
	if err != nil {
		return nil, err
	}
	j := tokenJob{account: acct, tenant: tokenTenant(acct, o.Tenant), clientID: cmp.Or(o.ClientID, acct.ClientID),
		key: scope, shown: scope, fresh: o.Force, cache: d}
	switch {
	case o.OnBehalfOf != "" && o.V1:
		return nil, errors.New("token(…, {onBehalfOf, v1}): on-behalf-of is a v2 exchange here: drop v1")
	case o.OnBehalfOf != "":
		err = s.onBehalfOf(&j, o.OnBehalfOf)
	case o.V1:
		err = s.tokenV1(&j, d)
	default:
		j.fresh = j.fresh || o.Claims != ""
		j.exchange = s.entraExchange(d, j, o.Claims)
	}
	if err != nil {
		return nil, err
	}
	return s.obtain(ctx, j)
}

// entraExchange is how an Entra account gets a new token for the job's
// scope: an app redeems its credential, a user its refresh token (with a
// resource's claims challenge when there is one).
func (s *Session) entraExchange(d *cacheData, j tokenJob, claims string) func(context.Context) (*TokenResponse, error) {
	acct, clientID, scope := j.account, j.clientID, j.key
	return func(ctx context.Context) (*TokenResponse, error) {
		if acct.isApp() {
			cred, err := s.appCredentialOf(acct, clientID)
			if err != nil {
				return nil, err
			}
			if cred == nil {
				return nil, fmt.Errorf("%w: app login %s (flow %q) has no credential here: run login() again", ErrLoginNeeded, acct.ClientID, acct.Flow)
			}
			tr, err := cred.token(ctx, s, j.tenant, scope)
			var ee *EntraError
			if errors.As(err, &ee) {
				withScopeAdvice(ee, scope)
			}
			return tr, err
		}
		rt, err := findRefresh(d, acct, clientID)
		if err != nil {
			return nil, err
		}
		extra := s.userExtra()
		if claims != "" {
			// A resource's claims challenge replaces the CP1 capability
			// claims: the new token must satisfy what the resource asked.
			extra["claims"] = []string{claims}
		}
		tr, err := refreshTokenGrant(ctx, s.cfg.HTTP, tokenParams{endpoint: s.cfg.Cloud.TokenURL(j.tenant), clientID: clientID,
			scope: userScope(scope), extra: extra}, rt.Secret)
		if err != nil {
			return nil, explainRefreshError(explainMFA(explainClaimsRefusal(withPreauthAdvice(err, clientID, scope), acct, claims), acct, scope), acct, clientID, rt)
		}
		return tr, nil
	}
}

// appCredentialOf is the credential of an app login, which gets tokens only
// as itself; nil when its flow has none.
func (s *Session) appCredentialOf(acct Account, clientID string) (credential, error) {
	if !strings.EqualFold(clientID, acct.ClientID) {
		return nil, fmt.Errorf("app login %s cannot get tokens as client %s: log in as that app", acct.ClientID, clientID)
	}
	return s.credentialFor(acct)
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
	return cmp.Or(a.Tenant, DefaultTenant)
}

// pickAccount is the named account, else the default one, of this
// session's environment (authority host) only: its refresh token and
// tokens are used only with the authority that issued them, as MSAL and az
// do. An account signed in elsewhere (another cloud, another
// AZURE_AUTHORITY_HOST) asks for a login here.
func (s *Session) pickAccount(d *cacheData, who string) (Account, error) {
	host := s.cfg.Cloud.host()
	here := func(a Account) bool { return sameHost(host, a.Environment) }
	// The default account first, then a home account before the same
	// person's guest accounts.
	match := func(a Account) bool {
		return who == "" || strings.EqualFold(a.Username, who) || strings.EqualFold(a.HomeAccountID, who) || a.isApp() && strings.EqualFold(a.ClientID, who)
	}
	if a, ok := d.Accounts[d.Default]; ok && match(a) && here(a) {
		return a, nil
	}
	keys := make([]string, 0, len(d.Accounts))
	for k := range d.Accounts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var guest, elsewhere *Account
	for _, k := range keys {
		a := d.Accounts[k]
		switch {
		case !match(a):
		case !here(a):
			if elsewhere == nil || k == d.Default {
				elsewhere = &a
			}
		case a.GuestTenantID == "" || who == "":
			return a, nil
		default:
			guest = &a
		}
	}
	switch {
	case guest != nil:
		return *guest, nil
	case elsewhere != nil:
		return Account{}, fmt.Errorf("%w: %s signed in at %s, and this session's authority is %s (another cloud or AZURE_AUTHORITY_HOST): its tokens are used only where they were issued: run login() for %s",
			ErrLoginNeeded, cmp.Or(elsewhere.Username, elsewhere.ClientID), elsewhere.Environment, host, host)
	case who == "":
		return Account{}, fmt.Errorf("%w: run login() first (or login({flow: \"azcli\"}) to reuse an az login)", ErrLoginNeeded)
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
