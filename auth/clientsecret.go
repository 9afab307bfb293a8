package auth

import (
	"context"
	"net/http"
	"net/url"
)

// ClientSecretToken is the client credentials grant with a secret in the
// form (client_secret_post, entra.md §5.1). The scope must be {resource}/.default.
func ClientSecretToken(ctx context.Context, hc *http.Client, tokenURL, clientID, secret, scope string) (*TokenResponse, error) {
	form := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {clientID},
		"client_secret": {secret},
		"scope":         {scope},
	}
	return requestToken(ctx, hc, tokenURL, form, "", "")
}

// RefreshToken redeems a refresh token for a scope, which may name another
// resource than the one the token was issued for (entra.md §4.1).
func RefreshToken(ctx context.Context, hc *http.Client, tokenURL, clientID, refreshToken, scope string, extra url.Values) (*TokenResponse, error) {
	form := url.Values{
		"grant_type":    {"refresh_token"},
		"client_id":     {clientID},
		"refresh_token": {refreshToken},
	}
	if scope != "" {
		form.Set("scope", scope)
	}
	for k, v := range extra {
		form[k] = v
	}
	return requestToken(ctx, hc, tokenURL, form, "", "")
}
