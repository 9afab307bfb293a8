package databricks

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"
)

// serveToken is /oidc/v1/token: authorization_code (+PKCE) and refresh_token
// for databricks-cli, client_credentials for service principals.
func (s *server) serveToken(w http.ResponseWriter, r *http.Request, st site) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		writeOAuthError(w, http.StatusMethodNotAllowed, "invalid_request", "The token endpoint only accepts POST")
		return
	}
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "The request body is not a valid form")
		return
	}
	f := r.PostForm
	switch grant := f.Get("grant_type"); grant {
	case "authorization_code":
		s.exchangeCode(w, r, st)
	case "refresh_token":
		s.refresh(w, r, st)
	case "client_credentials":
		s.clientCredentials(w, r, st)
	case tokenExchangeGrant:
		s.exchangeToken(w, r, st)
	case "":
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "Missing grant_type")
	default:
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "Grant type '"+grant+"' is not supported")
	}
}

// publicClient checks that the caller is databricks-cli, which has no secret.
func publicClient(w http.ResponseWriter, r *http.Request) bool {
	id, secret, _ := clientCredentialsFrom(r)
	if id != publicClientID || secret != "" {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed")
		return false
	}
	return true
}

func (s *server) exchangeCode(w http.ResponseWriter, r *http.Request, st site) {
	if !publicClient(w, r) {
		return
	}
	f := r.PostForm
	code := f.Get("code")
	s.mu.Lock()
	req, ok := s.codes[code]
	delete(s.codes, code) // one use, even when the exchange fails
	s.mu.Unlock()
	switch {
	case !ok || !s.cfg.Now().Before(req.expires) || req.site != st:
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "Authorization code is invalid or expired")
	case f.Get("redirect_uri") != req.redirectURI:
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "redirect_uri does not match the authorization request")
	case f.Get("code_verifier") == "":
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "Missing code_verifier")
	case !pkceMatches(f.Get("code_verifier"), req.challenge):
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "PKCE verification failed")
	default:
		s.issueUserTokens(w, st, req.clientID, req.user, req.scopes)
	}
}

func pkceMatches(verifier, challenge string) bool {
	sum := sha256.Sum256([]byte(verifier))
	got := base64.RawURLEncoding.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(got), []byte(challenge)) == 1
}

func (s *server) refresh(w http.ResponseWriter, r *http.Request, st site) {
	if !publicClient(w, r) {
		return
	}
	s.mu.Lock()
	g, ok := s.refreshs[r.PostForm.Get("refresh_token")]
	s.mu.Unlock()
	if !ok || g.site != st {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_request", "Refresh token is invalid")
		return
	}
	s.issueUserTokens(w, st, g.clientID, g.user, g.scopes)
}

// issueUserTokens answers a U2M grant; a refresh token only with offline_access.
func (s *server) issueUserTokens(w http.ResponseWriter, st site, clientID string, u *User, scopes []string) {
	at, err := s.mintAccessToken(st, u.UserName, clientID, scopes, s.cfg.Now().Add(s.cfg.TokenLifetime))
	if err != nil {
		writeOAuthError(w, http.StatusInternalServerError, "server_error", "Could not sign the token")
		return
	}
	body := map[string]any{"access_token": at, "token_type": "Bearer",
		"expires_in": int(s.cfg.TokenLifetime.Seconds()), "scope": strings.Join(scopes, " ")}
	if hasScope(scopes, "offline_access") {
		rt := "doau" + randomString(32)
		s.mu.Lock()
		s.refreshs[rt] = refreshGrant{site: st, clientID: clientID, user: u, scopes: scopes}
		s.mu.Unlock()
		body["refresh_token"] = rt
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, body)
}

func (s *server) clientCredentials(w http.ResponseWriter, r *http.Request, st site) {
	id, secret, basic := clientCredentialsFrom(r)
	sp := s.servicePrincipal(id)
	if sp == nil || secret == "" || subtle.ConstantTimeCompare([]byte(sp.Secret), []byte(secret)) != 1 {
		if basic {
			w.Header().Set("WWW-Authenticate", `Basic realm="Databricks"`)
		}
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed")
		return
	}
	scopes, unknown := parseScopes(r.PostForm.Get("scope"))
	if unknown != "" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_scope", "Invalid scope: "+unknown)
		return
	}
	// M2M never gets a refresh token: the client runs the grant again.
	var granted []string
	for _, sc := range scopes {
		if sc != "offline_access" {
			granted = append(granted, sc)
		}
	}
	if len(granted) == 0 {
		granted = []string{"all-apis"}
	}
	at, err := s.mintAccessToken(st, sp.ApplicationID, sp.ApplicationID, granted, s.cfg.Now().Add(s.cfg.TokenLifetime))
	if err != nil {
		writeOAuthError(w, http.StatusInternalServerError, "server_error", "Could not sign the token")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"access_token": at, "token_type": "Bearer",
		"expires_in": int(s.cfg.TokenLifetime.Seconds()), "scope": strings.Join(granted, " ")})
}
