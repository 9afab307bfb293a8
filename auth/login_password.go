package auth

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// FlowPassword is the resource owner password grant (az login -u -p):
// legacy automation only — no MFA, no federated domains, no personal
// accounts (https://learn.microsoft.com/entra/identity-platform/v2-oauth-ropc). The password is used once and never kept.
const FlowPassword = "password"

type passwordFlow struct{ refreshing }

func init() {
	registerFlow(FlowPassword, passwordFlow{}, "username + password (ROPC after a user realm lookup); no MFA, no federated domains; the password is asked without echo when not given and never kept")
}

// explained is an Entra error with a line that says what it means; errors.As
// still finds the *EntraError (its code, for the exit status).
type explained struct {
	msg string
	err error
}

func (e *explained) Error() string { return e.msg }
func (e *explained) Unwrap() error { return e.err }

// userRealm asks Entra whether the user's domain is managed (the password
// grant works) or federated (the password belongs to another IdP): MSAL's
// GET /common/UserRealm/{upn}?api-version=1.0.
func (s *Session) userRealm(ctx context.Context, username string) (kind, domain string, err error) {
	u := "https://" + s.cfg.Cloud.host() + "/common/UserRealm/" + url.PathEscape(username) + "?api-version=1.0"
	req, err := newRequest(http.MethodGet, u, nil)
	if err != nil {
		return "", "", err
	}
	a, err := send(ctx, s.cfg.HTTP, req)
	var re *readError
	switch {
	case errors.As(err, &re): // judged by what was read
	case err != nil && ctx.Err() != nil:
		return "", "", ctx.Err()
	case err != nil:
		return "", "", fmt.Errorf("password sign-in: the user realm lookup at %s failed: %v", s.cfg.Cloud.host(), err)
	}
	body, status := a.body, a.status
	var v struct {
		AccountType string `json:"account_type"`
		DomainName  string `json:"domain_name"`
	}
	if status != http.StatusOK || json.Unmarshal(body, &v) != nil {
		if e, ok := parseOAuthError(status, body); ok {
			return "", "", e
		}
		return "", "", fmt.Errorf("password sign-in: the user realm lookup answered HTTP %d", status)
	}
	return v.AccountType, v.DomainName, nil
}

// missingSecret: the password, when neither the option nor AZURE_PASSWORD
// holds it.
func (passwordFlow) missingSecret(o LoginOptions, getenv func(string) string) *MissingSecret {
	if o.Password != "" || getenv("AZURE_PASSWORD") != "" {
		return nil
	}
	return &MissingSecret{Prompt: "Password for " + cmp.Or(o.Username, getenv("AZURE_USERNAME")) + " (not echoed): ",
		NoTerminal: "the password flow needs a password: pass password or set AZURE_PASSWORD (no terminal to ask on)",
		fill:       func(o *LoginOptions, password string) { o.Password = password }}
}

func (passwordFlow) login(ctx context.Context, s *Session, o LoginOptions) (*loginResult, error) {
	tenant, clientID, scope := userDefaults(o)
	user := cmp.Or(o.Username, s.env("AZURE_USERNAME"))
	password := cmp.Or(o.Password, s.env("AZURE_PASSWORD"))
	if user == "" {
		return nil, errors.New("the password flow needs a username: pass username or set AZURE_USERNAME")
	}
	if password == "" {
		return nil, errors.New("the password flow needs a password: pass password or set AZURE_PASSWORD (a terminal asks for it)")
	}
	s.learn(password)
	kind, domain, err := s.userRealm(ctx, user)
	if err != nil {
		return nil, err
	}
	switch strings.ToLower(kind) {
	case "federated":
		return nil, fmt.Errorf("password sign-in: %s is in the federated domain %s, whose passwords another identity provider checks: use the browser or device flow", user, domain)
	case "unknown":
		return nil, fmt.Errorf("password sign-in: Entra knows no tenant for the domain of %s (user realm Unknown): check the username", user)
	}
	tr, err := passwordGrant(ctx, s.cfg.HTTP, tokenParams{endpoint: s.cfg.Cloud.TokenURL(tenant), clientID: clientID,
		scope: userScope(scope), extra: s.userExtra()}, user, password)
	if err != nil {
		return nil, explainPasswordError(err, user)
	}
	r, err := s.userResult(tr, FlowPassword, tenant, clientID, scope)
	if err != nil {
		return nil, err
	}
	r.account.Source = "password sign-in (used once, not kept); later tokens from its refresh token in the cache"
	return r, nil
}

func explainPasswordError(err error, user string) error {
	var ee *EntraError
	if !errors.As(err, &ee) {
		return err
	}
	switch {
	case ee.HasCode(50126):
		return &explained{fmt.Sprintf("password sign-in: wrong username or password for %s (AADSTS50126)", user), ee}
	case ee.HasCode(50076), ee.HasCode(50079):
		return &explained{fmt.Sprintf("password sign-in: %s must use multi-factor authentication, which the password flow cannot do (AADSTS%d): use the device or browser flow", user, ee.Codes[0]), ee}
	case ee.HasCode(50034):
		return &explained{fmt.Sprintf("password sign-in: no user %s in the tenant (AADSTS50034)", user), ee}
	case ee.HasCode(50053):
		return &explained{fmt.Sprintf("password sign-in: %s is locked out after too many attempts (AADSTS50053)", user), ee}
	}
	return err
}
