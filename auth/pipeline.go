package auth

import (
	"cmp"
	"context"
	"time"
)

// tokenJob is one token wanted, as every flow hands it to obtain: where its
// cached copy lives, and the strategy that exchanges for a new one (a
// refresh token, an app credential, an assertion, a Databricks grant).
type tokenJob struct {
	account  Account // whose token (the cache key's environment and home account; Token.Account)
	tenant   string  // the cache key's tenant ("" for Databricks)
	clientID string  // the cache key's client (Token.ClientID)
	key      string  // the cache key's scope: a v2 scope, a v1 resource, a Databricks scope
	shown    string  // Token.Scope when the server names none
	resource string  // a v1 request's resource (Token.Resource)
	fresh    bool    // skip the cached token (force, a claims challenge)
	noCache  bool    // neither read nor written (on-behalf-of: the user of the assertion is not the login)
	exchange func(ctx context.Context) (*TokenResponse, error)
	// cache is tokens.json as the caller read it, if it did (nil: read it).
	cache *cacheData
	// accountOf names the account of a new token when it is not the job's
	// (on-behalf-of: the user of the assertion).
	accountOf func(*TokenResponse) Account
}

// obtain is the one pipeline of every token: a cached token that is not about
// to expire, else the job's exchange, saved (Session.save), then the Token.
func (s *Session) obtain(ctx context.Context, j tokenJob) (*Token, error) {
	if !j.fresh && !j.noCache {
		if t, ok, err := s.cached(j); ok || err != nil {
			return t, err
		}
	}
	tr, err := j.exchange(ctx)
	if err != nil {
		return nil, err
	}
	if !j.noCache {
		a := j.account
		a.ClientID = j.clientID
		if err := s.save(saved{account: a, tenant: j.tenant, scope: j.key, resp: tr}); err != nil {
			return nil, err
		}
	}
	acct := j.account
	if j.accountOf != nil {
		acct = j.accountOf(tr)
	}
	t := newToken(tr.AccessToken, cmp.Or(tr.Scope, j.shown), tr.TokenType, tr.ExpiresOn, j.tenant, j.clientID, acct, false)
	if j.resource != "" {
		t.Resource, t.NotBefore = cmp.Or(tr.Resource, j.resource), tr.NotBefore
	}
	return t, nil
}

// cached is the job's token from tokens.json when it is good for longer
// than expiryMargin.
func (s *Session) cached(j tokenJob) (*Token, bool, error) {
	d := j.cache
	if d == nil {
		var err error
		if d, err = s.cache.read(); err != nil {
			return nil, false, err
		}
	}
	e, ok := d.freshAccess(j.account.Environment, j.tenant, j.clientID, j.account.HomeAccountID, j.key)
	if !ok {
		return nil, false, nil
	}
	t := newToken(e.Secret, cmp.Or(e.GrantedScope, j.shown), e.TokenType, e.expiresOn(), j.tenant, j.clientID, j.account, true)
	t.Resource = j.resource
	return t, true, nil
}

func newToken(at, scope, typ string, exp time.Time, tenant, clientID string, a Account, cached bool) *Token {
	t := &Token{AccessToken: at, Scope: scope, TokenType: cmp.Or(typ, "Bearer"), ExpiresOn: exp,
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
