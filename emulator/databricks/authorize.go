package databricks

import (
	"crypto/subtle"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	loginCookie   = "dbx_emulator_login"
	loginLifetime = 15 * time.Minute
	codeLifetime  = 5 * time.Minute
)

func (s *server) serveAuthorize(w http.ResponseWriter, r *http.Request, st site) {
	switch r.Method {
	case http.MethodGet:
		s.startLogin(w, r, st)
	case http.MethodPost:
		s.finishLogin(w, r, st)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// startLogin validates the request and shows the sign-in page. Errors before
// the redirect URI is trusted are shown here; later ones go back to the client.
func (s *server) startLogin(w http.ResponseWriter, r *http.Request, st site) {
	q := r.URL.Query()
	clientID, redirectURI := q.Get("client_id"), q.Get("redirect_uri")
	if clientID != publicClientID {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_client",
			"error_description": "OAuth application with client_id: '" + clientID + "' not available in Databricks workspace"})
		return
	}
	if !registeredRedirect(redirectURI) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid request",
			"error_description": "redirect_uri '" + redirectURI + "' not registered for OAuth application '" + publicClientID + "'"})
		return
	}
	state := q.Get("state")
	back := func(code, desc string) {
		redirectWith(w, r, redirectURI, url.Values{"error": {code}, "error_description": {desc}, "state": {state}})
	}
	if q.Get("response_type") != "code" {
		back("unsupported_response_type", "response_type must be 'code'")
		return
	}
	if q.Get("code_challenge") == "" || q.Get("code_challenge_method") != "S256" {
		back("invalid_request", "PKCE is required: send code_challenge with code_challenge_method=S256")
		return
	}
	scopes, unknown := parseScopes(q.Get("scope"))
	if unknown != "" {
		back("invalid_scope", "Invalid scope: "+unknown)
		return
	}
	txn := randomString(24)
	s.mu.Lock()
	s.pruneLocked()
	s.logins[txn] = &authorizeRequest{site: st, clientID: clientID, redirectURI: redirectURI, state: state,
		challenge: q.Get("code_challenge"), scopes: scopes, expires: s.cfg.Now().Add(loginLifetime)}
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: txn, Path: st.prefix + "/v1/authorize",
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
	renderLogin(w, http.StatusOK, st, txn, "", "")
}

// finishLogin checks the posted credentials and redirects with a code.
func (s *server) finishLogin(w http.ResponseWriter, r *http.Request, st site) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	txn := r.PostForm.Get("txn")
	cookie, err := r.Cookie(loginCookie)
	s.mu.Lock()
	req, ok := s.logins[txn]
	if ok && (!s.cfg.Now().Before(req.expires) || req.site != st) {
		delete(s.logins, txn)
		ok = false
	}
	s.mu.Unlock()
	if !ok || err != nil || subtle.ConstantTimeCompare([]byte(cookie.Value), []byte(txn)) != 1 {
		renderMessage(w, http.StatusBadRequest, "Your sign-in session has expired or is not valid. Start the login again from your tool.")
		return
	}
	username := strings.TrimSpace(r.PostForm.Get("username"))
	user := s.checkPassword(username, r.PostForm.Get("password"))
	if user == nil {
		renderLogin(w, http.StatusOK, st, txn, username, "Invalid username or password.")
		return
	}
	code := randomString(32)
	s.mu.Lock()
	delete(s.logins, txn)
	req.user = user
	req.expires = s.cfg.Now().Add(codeLifetime)
	s.codes[code] = req
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: "", Path: st.prefix + "/v1/authorize", MaxAge: -1})
	redirectWith(w, r, req.redirectURI, url.Values{"code": {code}, "state": {req.state}})
}

// pruneLocked drops abandoned sign-ins and unused codes so they do not pile up.
func (s *server) pruneLocked() {
	now := s.cfg.Now()
	for k, v := range s.logins {
		if !now.Before(v.expires) {
			delete(s.logins, k)
		}
	}
	for k, v := range s.codes {
		if !now.Before(v.expires) {
			delete(s.codes, k)
		}
	}
}

func (s *server) checkPassword(username, password string) *User {
	for i := range s.cfg.Users {
		u := &s.cfg.Users[i]
		if strings.EqualFold(u.UserName, username) && u.Password != "" &&
			subtle.ConstantTimeCompare([]byte(u.Password), []byte(password)) == 1 {
			return u
		}
	}
	return nil
}

// registeredRedirect accepts only the redirect URIs registered for the
// databricks-cli application: http://localhost:8020 to :8040, no path (the
// CLI and the SDKs listen on 8020 and fall back up to 8040). Anything else,
// 127.0.0.1 included, is "not registered" (databricks/cli#3416).
func registeredRedirect(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.Hostname() != "localhost" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return false
	}
	port, err := strconv.Atoi(u.Port())
	return err == nil && port >= 8020 && port <= 8040 && (u.Path == "" || u.Path == "/")
}

func redirectWith(w http.ResponseWriter, r *http.Request, redirectURI string, params url.Values) {
	if params.Get("state") == "" {
		params.Del("state")
	}
	sep := "?"
	if strings.Contains(redirectURI, "?") {
		sep = "&"
	}
	http.Redirect(w, r, redirectURI+sep+params.Encode(), http.StatusFound)
}

var loginPage = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("login").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in to Databricks (emulator)</title></head>
<body>
<h1>Sign in to Databricks</h1>
<p>Emulated Azure Databricks workspace: application <b>databricks-cli</b> asks to access the workspace on your behalf.</p>
{{if .Error}}<p id="error" role="alert">{{.Error}}</p>{{end}}
<form method="post" action="{{.Action}}">
<input type="hidden" name="txn" value="{{.Txn}}">
<label>Email <input type="text" name="username" id="username" value="{{.Username}}" autocomplete="username"></label>
<label>Password <input type="password" name="password" id="password" autocomplete="current-password"></label>
<button type="submit" id="signin">Sign in</button>
</form>
</body></html>
`))
})

func renderLogin(w http.ResponseWriter, status int, st site, txn, username, errMsg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = loginPage().Execute(w, map[string]string{"Action": st.prefix + "/v1/authorize", "Txn": txn, "Username": username, "Error": errMsg})
}

func renderMessage(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = messagePage().Execute(w, msg)
}

var messagePage = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("m").Parse(`<!DOCTYPE html><html><body><p role="alert">{{.}}</p></body></html>`))
})
