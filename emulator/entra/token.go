package entra

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/azrepl/azrepl/emulator/internal/wire"
)

// token is POST /{tenant}/oauth2/v2.0/token: every grant azrepl and the real
// clients use, with Entra's checks in Entra's order (client, credentials, grant).
func (e *Server) token(w http.ResponseWriter, r *http.Request, t tenantRef) {
	if !parsePostForm(w, r) {
		return
	}
	w.Header().Set("Cache-Control", "no-store, no-cache")
	resp, err := e.redeem(r, t)
	if err != nil {
		writeEntraError(w, r, err)
		return
	}
	wire.JSON(w, 200, resp)
}

// redeem runs the grant of a parsed token request (v2 form; the v1 endpoint
// translates resource= to scope= first) and returns the response body.
func (e *Server) redeem(r *http.Request, t tenantRef) (map[string]any, *entraError) {
	gt := r.PostForm.Get("grant_type")
	if gt == "" {
		return nil, errMissingParam("grant_type")
	}
	c, cerr := e.client(requestClientID(r))
	if cerr != nil {
		return nil, cerr
	}
	if t.guest != nil && c.app != nil {
		// The world's apps are registered in its tenant only; first-party
		// clients exist in every tenant.
		return nil, errUnknownClient(c.id, t.guest.DisplayName)
	}
	acr, aerr := e.authenticate(r, c, e.tokenURLs(r, t))
	if aerr != nil {
		return nil, aerr
	}
	g := grant{r: r, tenant: t, client: c, appidacr: acr, clientInfo: r.PostForm.Get("client_info") == "1"}
	if t.consumers && gt != "client_credentials" {
		// Every user of the world is a work account; none exists in the consumers tenant.
		return nil, newEntraError(400, "invalid_grant", 50020,
			"User account from identity provider 'https://sts.windows.net/%s/' does not exist in tenant 'Microsoft Services' and cannot access the application '%s' in that tenant. The account needs to be added as an external user in the tenant first.",
			e.world.TenantID, c.id)
	}
	switch gt {
	case "urn:ietf:params:oauth:grant-type:device_code", "device_code":
		return e.deviceCodeGrant(g)
	case "authorization_code":
		return e.authCodeGrant(g)
	case "refresh_token":
		return e.refreshTokenGrant(g)
	case "client_credentials":
		return e.clientCredentialsGrant(g)
	case "password":
		return e.passwordGrant(g)
	case jwtBearerGrant:
		return e.onBehalfOfGrant(g)
	}
	return nil, newEntraError(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type '%s'.", gt)
}

// tokenURLs are the audiences a client assertion may name for this request.
func (e *Server) tokenURLs(r *http.Request, t tenantRef) []string {
	var out []string
	for _, seg := range []string{t.segment, e.world.TenantID, e.world.Domain} {
		for _, host := range []string{baseURL(r), "https://" + Host} {
			out = append(out, host+"/"+seg+"/oauth2/v2.0/token", host+"/"+seg+"/oauth2/token")
		}
	}
	return out
}

func (e *Server) deviceCodeGrant(g grant) (map[string]any, *entraError) {
	code := g.r.PostForm.Get("device_code")
	if code == "" {
		return nil, errMissingParam("device_code")
	}
	d, err := e.pollDevice(code, g.client)
	if err != nil {
		return nil, err
	}
	if g.scopes, err = e.userScopes(g.r.PostForm.Get("scope"), d.scope); err != nil {
		return nil, err
	}
	g.user = d.user
	if err := e.deviceCodeBlocked(d.user); err != nil {
		return nil, err
	}
	g.mfa = true // the person signed in on the device login page, MFA included
	return e.userTokenResponse(g, g.scopes.reserved["offline_access"])
}

func (e *Server) authCodeGrant(g grant) (map[string]any, *entraError) {
	f := g.r.PostForm
	code := f.Get("code")
	if code == "" {
		return nil, errMissingParam("code")
	}
	ac, err := e.redeemCode(code)
	if err != nil {
		return nil, err
	}
	switch {
	case !strings.EqualFold(ac.clientID, g.client.id):
		return nil, newEntraError(400, "invalid_grant", 70000, "The provided authorization code was issued to another client.")
	case f.Get("redirect_uri") != ac.redirectURI:
		return nil, newEntraError(400, "invalid_grant", 500112,
			"The reply address '%s' does not match the reply address '%s' provided when requesting Authorization code.", f.Get("redirect_uri"), ac.redirectURI)
	case ac.challenge != "":
		v := f.Get("code_verifier")
		sum := sha256.Sum256([]byte(v))
		derived := base64.RawURLEncoding.EncodeToString(sum[:])
		if ac.challengeMethod != "S256" {
			derived = v // plain
		}
		if v == "" || derived != ac.challenge {
			return nil, newEntraError(400, "invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request.")
		}
	}
	if g.scopes, err = e.userScopes(f.Get("scope"), ac.scope); err != nil {
		return nil, err
	}
	g.user, g.nonce, g.mfa = ac.user, ac.nonce, ac.mfa
	return e.userTokenResponse(g, g.scopes.reserved["offline_access"])
}

// refreshTokenGrant redeems a refresh token for any resource: refresh tokens
// are multi-resource. A new one is issued each time and the old stays valid.
func (e *Server) refreshTokenGrant(g grant) (map[string]any, *entraError) {
	rt := g.r.PostForm.Get("refresh_token")
	if rt == "" {
		return nil, errMissingParam("refresh_token")
	}
	scope := g.r.PostForm.Get("scope")
	if scope == "" {
		return nil, errMissingParam("scope")
	}
	e.mu.Lock()
	rg := e.refresh[rt]
	e.mu.Unlock()
	if rg == nil {
		return nil, newEntraError(400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid: the refresh token is not valid.")
	}
	if !strings.EqualFold(rg.clientID, g.client.id) && !(rg.family && g.client.family) {
		err := newEntraError(400, "invalid_grant", 70000, "Provided grant is invalid or malformed: the refresh token was issued to another client.")
		err.suberror = "client_mismatch"
		return nil, err
	}
	if vf := e.revokedBefore(rg.userOID); !vf.IsZero() && rg.issued.Before(vf) {
		return nil, newEntraError(400, "invalid_grant", 50173,
			"The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '%s' and the TokensValidFrom date (before which tokens are not valid) for this user is '%s'.",
			rg.issued.UTC().Format("2006-01-02T15:04:05.0000000Z"), vf.UTC().Format("2006-01-02T15:04:05.0000000Z"))
	}
	var err *entraError
	if g.scopes, err = e.userScopes(scope, ""); err != nil {
		return nil, err
	}
	g.mfa = rg.mfa
	for i := range e.world.Users {
		if e.world.Users[i].ObjectID == rg.userOID {
			g.user = &e.world.Users[i]
		}
	}
	if g.user == nil {
		return nil, newEntraError(400, "invalid_grant", 50034, "The user account does not exist in the directory.")
	}
	return e.userTokenResponse(g, true)
}

func (e *Server) clientCredentialsGrant(g grant) (map[string]any, *entraError) {
	if strings.EqualFold(g.tenant.segment, "common") || g.tenant.consumers {
		return nil, newEntraError(400, "invalid_request", 9001023,
			"The grant type isn't supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.")
	}
	if g.client.public {
		return nil, newEntraError(401, "invalid_client", 7000218,
			"The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
	}
	scope := g.r.PostForm.Get("scope")
	if scope == "" {
		return nil, errMissingParam("scope")
	}
	s, err := e.parseScopes(scope, 70011)
	if err != nil {
		return nil, err
	}
	// Reserved OIDC scopes are ignored here: MSAL Go appends them to client credentials too.
	if s.info == nil || !s.hasDefault() {
		return nil, newEntraError(400, "invalid_scope", 1002012,
			"The provided value for scope %s is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).", scope)
	}
	g.scopes = s
	return e.appTokenResponse(g)
}
