package auth

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// The token client, after MSAL Go's accesstokens.Client: every token request
// is one tokenParams, every grant's form is built in this file, and every
// request goes out through postToken (send.go).

// Grant types and client assertion types (RFC 6749 §4, RFC 7523, RFC 8628,
// RFC 8693).
const (
	grantClientCredentials = "client_credentials"
	grantRefreshToken      = "refresh_token"
	grantAuthorizationCode = "authorization_code"
	grantPassword          = "password"
	grantDeviceCode        = "urn:ietf:params:oauth:grant-type:device_code"
	grantJWTBearer         = "urn:ietf:params:oauth:grant-type:jwt-bearer"
	grantTokenExchange     = "urn:ietf:params:oauth:grant-type:token-exchange"
	jwtBearerAssertion     = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
	jwtTokenType           = "urn:ietf:params:oauth:token-type:jwt"
)

// clientAuth is how a confidential client proves itself in a token request.
// The zero value is a public client.
type clientAuth struct {
	secret string
	// basic sends client id and secret in HTTP Basic (client_secret_basic,
	// Databricks M2M) instead of the form (client_secret_post, as MSAL).
	basic bool
	cert  *ClientCertificate // a signed assertion addressed to the endpoint
	alg   string             // the certificate assertion's alg (default PS256)
	// assertion is a federated token sent as client_assertion (workload identity).
	assertion string
}

// tokenParams is what every token request carries (MSAL's AuthParams).
type tokenParams struct {
	endpoint string
	clientID string // "" leaves client_id out (Databricks account-wide federation)
	scope    string // scope= (v2 endpoints, Databricks)
	resource string // resource= (the v1 endpoint) instead of scope
	auth     clientAuth
	extra    url.Values // client_info, claims… (added last)
}

// clientCredentialsToken is an app's own token (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow).
func clientCredentialsToken(ctx context.Context, hc *http.Client, p tokenParams) (*TokenResponse, error) {
	return postToken(ctx, hc, p, url.Values{"grant_type": {grantClientCredentials}})
}

// refreshTokenGrant redeems a refresh token for a scope, which may name
// another resource than the one the token was issued for (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#refresh-the-access-token).
func refreshTokenGrant(ctx context.Context, hc *http.Client, p tokenParams, refreshToken string) (*TokenResponse, error) {
	return postToken(ctx, hc, p, url.Values{"grant_type": {grantRefreshToken}, "refresh_token": {refreshToken}})
}

// authCodeGrant redeems an authorization code with its PKCE verifier.
func authCodeGrant(ctx context.Context, hc *http.Client, p tokenParams, code, redirectURI, verifier string) (*TokenResponse, error) {
	return postToken(ctx, hc, p, url.Values{"grant_type": {grantAuthorizationCode}, "code": {code},
		"redirect_uri": {redirectURI}, "code_verifier": {verifier}})
}

// passwordGrant is the resource owner password grant (https://learn.microsoft.com/entra/identity-platform/v2-oauth-ropc).
func passwordGrant(ctx context.Context, hc *http.Client, p tokenParams, username, password string) (*TokenResponse, error) {
	return postToken(ctx, hc, p, url.Values{"grant_type": {grantPassword}, "username": {username}, "password": {password}})
}

// deviceCodeGrant is one poll of a device code (RFC 8628 §3.4); client_id
// goes in the form also when the client authenticates.
func deviceCodeGrant(ctx context.Context, hc *http.Client, p tokenParams, deviceCode string) (*TokenResponse, error) {
	return postToken(ctx, hc, p, url.Values{"grant_type": {grantDeviceCode}, "client_id": {p.clientID}, "device_code": {deviceCode}})
}

// onBehalfOfGrant trades a user's token to this API for one to scope as that
// user: MSAL Go's AcquireTokenOnBehalfOf (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-on-behalf-of-flow).
func onBehalfOfGrant(ctx context.Context, hc *http.Client, p tokenParams, assertion string) (*TokenResponse, error) {
	return postToken(ctx, hc, p, url.Values{"grant_type": {grantJWTBearer}, "assertion": {assertion},
		"requested_token_use": {"on_behalf_of"}, "client_info": {"1"}})
}

// tokenExchangeGrant is RFC 8693 with a JWT subject token (Databricks
// workload identity federation).
func tokenExchangeGrant(ctx context.Context, hc *http.Client, p tokenParams, subject string) (*TokenResponse, error) {
	return postToken(ctx, hc, p, url.Values{"grant_type": {grantTokenExchange}, "subject_token": {subject},
		"subject_token_type": {jwtTokenType}})
}

// deviceAuthorization is the device authorization request (RFC 8628
// §3.1): not a grant, but the same parameters; its answer is the device code.
func deviceAuthorization(ctx context.Context, hc *http.Client, p tokenParams) (*answer, time.Time, error) {
	return post(ctx, hc, p, url.Values{"client_id": {p.clientID}})
}

// form completes a grant's own fields with the client, the scope or
// resource, the client's authentication and the extras.
func (p tokenParams) form(f url.Values) (url.Values, error) {
	if p.clientID != "" && !p.auth.basic {
		f.Set("client_id", p.clientID)
	}
	if p.resource != "" {
		f.Set("resource", p.resource)
	} else if p.scope != "" {
		f.Set("scope", p.scope)
	}
	switch a := p.auth; {
	case a.cert != nil:
		assertion, err := a.cert.Assertion(a.alg, p.endpoint, p.clientID, time.Now())
		if err != nil {
			return nil, err
		}
		f.Set("client_assertion_type", jwtBearerAssertion)
		f.Set("client_assertion", assertion)
	case a.assertion != "":
		f.Set("client_assertion_type", jwtBearerAssertion)
		f.Set("client_assertion", a.assertion)
	case a.secret != "" && !a.basic:
		f.Set("client_secret", a.secret)
	}
	for k, v := range p.extra {
		f[k] = v
	}
	return f, nil
}

// basicAuth is the HTTP Basic user and password of a client_secret_basic
// client, else "", "".
func (p tokenParams) basicAuth() (user, pass string) {
	if p.auth.basic && p.auth.secret != "" {
		return p.clientID, p.auth.secret
	}
	return "", ""
}

// ClientSecretToken is the client credentials grant with a secret in the
// form (client_secret_post, https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow). The scope must be {resource}/.default.
func ClientSecretToken(ctx context.Context, hc *http.Client, tokenURL, clientID, secret, scope string) (*TokenResponse, error) {
	return clientCredentialsToken(ctx, hc, tokenParams{endpoint: tokenURL, clientID: clientID, scope: scope, auth: clientAuth{secret: secret}})
}

// ClientCertificateToken is the client credentials grant with a signed
// assertion (private_key_jwt) in place of a secret.
func ClientCertificateToken(ctx context.Context, hc *http.Client, tokenURL, clientID string, cert *ClientCertificate, alg, scope string) (*TokenResponse, error) {
	return clientCredentialsToken(ctx, hc, tokenParams{endpoint: tokenURL, clientID: clientID, scope: scope, auth: clientAuth{cert: cert, alg: alg}})
}

// RefreshToken redeems a refresh token for a scope ("" asks for none) with
// extra parameters added to the form.
func RefreshToken(ctx context.Context, hc *http.Client, tokenURL, clientID, refreshToken, scope string, extra url.Values) (*TokenResponse, error) {
	return refreshTokenGrant(ctx, hc, tokenParams{endpoint: tokenURL, clientID: clientID, scope: scope, extra: extra}, refreshToken)
}
