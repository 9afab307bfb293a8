package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// AuthCodeRequest describes an authorization code + PKCE (S256) login with
// a loopback redirect (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow;
// https://learn.microsoft.com/azure/databricks/dev-tools/auth/oauth-u2m).
type AuthCodeRequest struct {
	AuthorizeURL string
	TokenURL     string
	ClientID     string
	Scope        string
	// Ports to try in order (Databricks: 8020..8040); empty = a random port.
	Ports []int
	// ResponseMode "" (query) or "form_post".
	ResponseMode string
	// Nonce: send one and check it in the id_token (OIDC logins).
	Nonce bool
	// AuthorizeExtra are added to the authorize URL (prompt, login_hint,
	// client_info, claims); TokenExtra to the code redemption.
	AuthorizeExtra url.Values
	TokenExtra     url.Values
	// OpenURL opens a browser; ShowURL prints the URL for machines without
	// one. Either may be nil.
	OpenURL func(string) error
	ShowURL func(string)
	Timeout time.Duration // default 5 minutes
	// OnWait is called once a second while the redirect is awaited, with
	// the time left (a countdown); nil = none.
	OnWait func(left time.Duration)
}

// AuthCodeFlow runs the login and redeems the one code it accepts.
func AuthCodeFlow(ctx context.Context, hc *http.Client, r AuthCodeRequest) (*TokenResponse, error) {
	state := randomURLSafe(16)
	lb, err := listenLoopback(r.Ports, state)
	if err != nil {
		return nil, err
	}
	defer lb.close()
	p := newPKCE()
	q := url.Values{
		"client_id":             {r.ClientID},
		"response_type":         {"code"},
		"redirect_uri":          {lb.redirectURI()},
		"scope":                 {r.Scope},
		"state":                 {state},
		"code_challenge":        {p.challenge},
		"code_challenge_method": {"S256"},
	}
	if r.ResponseMode != "" {
		q.Set("response_mode", r.ResponseMode)
	}
	var nonce string
	if r.Nonce {
		nonce = newNonce()
		q.Set("nonce", nonce)
	}
	for k, v := range r.AuthorizeExtra {
		q[k] = v
	}
	u, err := url.Parse(r.AuthorizeURL)
	if err != nil {
		return nil, fmt.Errorf("authorize URL: %w", err)
	}
	u.RawQuery = q.Encode()
	authURL := u.String()
	if r.ShowURL != nil {
		r.ShowURL(authURL)
	}
	if r.OpenURL != nil {
		if err := r.OpenURL(authURL); err != nil && r.ShowURL == nil {
			return nil, fmt.Errorf("could not open a browser (%v); open the printed URL by hand", err)
		}
	}
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}
	res, err := lb.wait(ctx, timeout, r.OnWait)
	if err != nil {
		return nil, err
	}
	tr, err := authCodeGrant(ctx, hc, tokenParams{endpoint: r.TokenURL, clientID: r.ClientID, scope: r.Scope, extra: r.TokenExtra},
		res.code, lb.redirectURI(), p.verifier)
	if err != nil {
		return nil, err
	}
	if r.Nonce && tr.IDToken != "" {
		j, err := DecodeJWT(tr.IDToken)
		if err != nil {
			return nil, fmt.Errorf("id_token: %w", err)
		}
		if j.StringClaim("nonce") != nonce {
			return nil, errors.New("the id_token's nonce does not match this login's: refusing the tokens")
		}
	}
	return tr, nil
}
