package entra

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/wire"
	"github.com/azrepl/azrepl/emulator/world"
)

const authCodeLifetime = 10 * time.Minute

func (e *Server) redeemCode(code string) (*authCode, *entraError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ac := e.codes[code]
	switch {
	case ac == nil:
		return nil, newEntraError(400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid: the authorization code is not valid.")
	case ac.used:
		return nil, newEntraError(400, "invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.")
	case !e.now().Before(ac.expires):
		return nil, newEntraError(400, "invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.")
	}
	ac.used = true
	return ac, nil
}

// loopbackRedirect reports whether u is a redirect URI a public client may use
// without registering it: http://localhost[:port][/path] or 127.0.0.1.
func loopbackRedirect(u string) bool {
	p, err := url.Parse(u)
	if err != nil || p.Scheme != "http" || p.User != nil || p.Fragment != "" {
		return false
	}
	h := p.Hostname()
	return h == "localhost" || h == "127.0.0.1" || h == "::1"
}

// authorizeParams are the request parameters the sign-in page carries along.
var authorizeParams = []string{"client_id", "response_type", "redirect_uri", "scope", "state", "nonce",
	"code_challenge", "code_challenge_method", "response_mode", "prompt", "login_hint", "client_info", "claims", "domain_hint"}

// authorize is GET (show the sign-in page) and POST (the page's form) of
// /{tenant}/oauth2/v2.0/authorize.
func (e *Server) authorize(w http.ResponseWriter, r *http.Request, t tenantRef) {
	if err := r.ParseForm(); err != nil {
		e.errorPage(w, r, newEntraError(400, "invalid_request", 9002313, "Invalid request. Request is malformed or invalid."))
		return
	}
	p := r.Form
	c, cerr := e.client(p.Get("client_id"))
	if cerr != nil {
		e.errorPage(w, r, cerr)
		return
	}
	redirect := p.Get("redirect_uri")
	if redirect == "" || !loopbackRedirect(redirect) {
		e.errorPage(w, r, newEntraError(400, "invalid_request", 50011,
			"The redirect URI '%s' specified in the request does not match the redirect URIs configured for the application '%s'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.",
			redirect, c.id))
		return
	}
	// From here on, errors go back to the client's redirect URI.
	fail := func(code string, err *entraError) { e.redirectError(w, r, code, err) }
	if p.Get("response_type") != "code" {
		fail("unsupported_response_type", newEntraError(400, "unsupported_response_type", 70049,
			"The response_type '%s' is not supported by this emulator; use 'code'.", p.Get("response_type")))
		return
	}
	switch p.Get("response_mode") {
	case "", "query", "form_post", "fragment":
	default:
		fail("invalid_request", newEntraError(400, "invalid_request", 90014, "The response_mode '%s' is not valid.", p.Get("response_mode")))
		return
	}
	// PKCE: Entra takes S256 and plain, and does not demand it of native
	// and desktop clients (learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow);
	// only single-page apps must use it, which the emulator does not model.
	if m := p.Get("code_challenge_method"); p.Get("code_challenge") != "" && m != "" && m != "S256" && m != "plain" {
		fail("invalid_request", newEntraError(400, "invalid_request", 9002325,
			"Proof Key for Code Exchange must use code_challenge_method 'S256' or 'plain' (got '%s').", m))
		return
	}
	sr, serr := e.parseScopes(p.Get("scope"), 700022)
	if serr != nil {
		fail(serr.code, serr)
		return
	}
	if perr := preauthorizedAtAuthorize(c, sr.withDefaultResource()); perr != nil {
		// Entra refuses before the sign-in page: "Failure passed to redirect
		// url. error=invalid_request error_description=AADSTS65002: …".
		fail("invalid_request", perr)
		return
	}
	if p.Get("scope") == "" {
		fail("invalid_request", errMissingParam("scope"))
		return
	}
	if p.Get("prompt") == "none" {
		// No browser session is kept, so there is never a signed-in user to reuse.
		fail("login_required", newEntraError(400, "login_required", 50058, "A silent sign-in request was sent but no user is signed in."))
		return
	}
	if r.Method != http.MethodPost {
		e.signInPage(w, r, t, p, c, "")
		return
	}
	if r.PostForm.Get("action") == "cancel" {
		fail("access_denied", newEntraError(400, "access_denied", 65004, "User declined to consent to access the app."))
		return
	}
	var u *world.User
	mfa := false
	if r.PostForm.Get("flowToken") != "" {
		if u = e.finishMFA(w, r, t, c); u == nil {
			return
		}
		mfa = true
	} else {
		var msg string
		if u, msg = e.checkPassword(r.PostForm.Get("login"), r.PostForm.Get("passwd")); u == nil {
			e.signInPage(w, r, t, p, c, msg)
			return
		}
		if e.signInNeedsMFA(u, p) {
			if u.OTPCode == "" {
				fail("interaction_required", errMFA(u, lookupResource(graphResource)))
				return
			}
			e.startMFA(w, r, t, c, u, "")
			return
		}
	}
	code := "1.A" + wire.RandomToken(64)
	e.mu.Lock()
	e.codes[code] = &authCode{
		clientID: c.id, redirectURI: redirect, challenge: p.Get("code_challenge"), challengeMethod: p.Get("code_challenge_method"),
		nonce: p.Get("nonce"), scope: p.Get("scope"), user: u, expires: e.now().Add(authCodeLifetime), mfa: mfa,
	}
	e.mu.Unlock()
	e.respond(w, r, url.Values{"code": {code}, "client_info": {clientInfoValue(u, e.world.TenantID)},
		"session_state": {wire.RandomGUID()}})
}

// checkPassword returns the user or the message the sign-in page shows.
func (e *Server) checkPassword(login, password string) (*world.User, string) {
	u := e.world.User(strings.TrimSpace(login))
	switch {
	case login == "":
		return nil, "Enter a valid email address, phone number, or Skype name."
	case u == nil:
		return nil, "AADSTS50034: This username may be incorrect. Make sure you typed it correctly."
	case password != u.Password:
		return nil, "AADSTS50126: Your account or password is incorrect. If you don't remember your password, reset it now."
	}
	return u, ""
}

// respond sends the authorization response in the requested response_mode,
// with state echoed. form_post is an auto-submitting form (MSAL Go's loopback
// server only accepts POST).
func (e *Server) respond(w http.ResponseWriter, r *http.Request, v url.Values) {
	p := r.Form
	if s := p.Get("state"); s != "" {
		v.Set("state", s)
	}
	redirect := p.Get("redirect_uri")
	switch p.Get("response_mode") {
	case "form_post":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_ = formPostTemplate().Execute(w, map[string]any{"Action": redirect, "Fields": v})
	case "fragment":
		http.Redirect(w, r, redirect+"#"+v.Encode(), http.StatusFound)
	default:
		sep := "?"
		if strings.Contains(redirect, "?") {
			sep = "&"
		}
		http.Redirect(w, r, redirect+sep+v.Encode(), http.StatusFound)
	}
}

func (e *Server) redirectError(w http.ResponseWriter, r *http.Request, code string, err *entraError) {
	e.respond(w, r, url.Values{"error": {code}, "error_description": {err.Error()},
		"error_codes": {itoa(err.aadsts)}, "trace_id": {wire.TraceID(r)},
		"error_uri": {"https://login.microsoftonline.com/error?code=" + itoa(err.aadsts)}})
}

// errorPage is for errors that must not go to an unverified redirect URI.
func (e *Server) errorPage(w http.ResponseWriter, r *http.Request, err *entraError) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(err.status)
	_ = errorPageTemplate().Execute(w, map[string]any{"Message": err.Error(), "Trace": wire.TraceID(r)})
}

func (e *Server) signInPage(w http.ResponseWriter, r *http.Request, t tenantRef, p url.Values, c *client, msg string) {
	hidden := map[string]string{}
	for _, k := range authorizeParams {
		if v := p.Get(k); v != "" && k != "login_hint" {
			hidden[k] = v
		}
	}
	login := p.Get("login")
	if login == "" {
		login = p.Get("login_hint")
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if msg != "" {
		w.WriteHeader(http.StatusOK)
	}
	_ = signInTemplate().Execute(w, map[string]any{
		"Action": "/" + t.segment + "/oauth2/v2.0/authorize", "Hidden": hidden, "Login": login,
		"App": c.name, "Tenant": e.world.DisplayName, "Error": msg,
	})
}

var signInTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("signin").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in to your account</title>
<style>body{font-family:sans-serif;background:#f2f2f2}main{background:#fff;width:380px;margin:60px auto;padding:40px}
input[type=email],input[type=password]{width:100%;padding:6px;margin:6px 0}.err{color:#e81123}</style></head>
<body><main>
<h1>Sign in</h1>
<p>to continue to <b>{{.App}}</b> ({{.Tenant}}, azrepl emulator)</p>
{{if .Error}}<p id="passwordError" class="err" role="alert">{{.Error}}</p>{{end}}
<form method="post" action="{{.Action}}" id="signin">
{{range $k, $v := .Hidden}}<input type="hidden" name="{{$k}}" value="{{$v}}">
{{end}}<label>Email <input type="email" name="login" id="i0116" value="{{.Login}}" autocomplete="username"></label>
<label>Password <input type="password" name="passwd" id="i0118" autocomplete="current-password"></label>
<button type="submit" name="action" value="signin" id="idSIButton9">Sign in</button>
<button type="submit" name="action" value="cancel" id="idBtn_Back">Cancel</button>
</form></main></body></html>
`))
})

var mfaTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("mfa").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Enter code</title></head>
<body><main>
<h1>Enter code</h1>
<p>{{.User}}: enter the code from your authenticator app to continue to <b>{{.App}}</b> (azrepl emulator: the code is the user's otpCode in tenant.json)</p>
{{if .Error}}<p id="idSpan_SAOTCC_Error_OTC" class="err" role="alert">{{.Error}}</p>{{end}}
<form method="post" action="{{.Action}}" id="mfa">
{{range $k, $v := .Hidden}}<input type="hidden" name="{{$k}}" value="{{$v}}">
{{end}}<label>Code <input type="tel" name="otc" id="idTxtBx_SAOTCC_OTC" autocomplete="one-time-code"></label>
<button type="submit" name="action" value="verify" id="idSubmit_SAOTCC_Continue">Verify</button>
</form></main></body></html>
`))
})

var formPostTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("formpost").Parse(`<!DOCTYPE html>
<html><head><title>Working...</title></head>
<body onload="document.forms[0].submit()">
<form method="POST" name="hiddenform" action="{{.Action}}">
{{range $k, $vs := .Fields}}{{range $vs}}<input type="hidden" name="{{$k}}" value="{{.}}">
{{end}}{{end}}<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit"></noscript>
</form></body></html>
`))
})

var errorPageTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("error").Parse(`<!DOCTYPE html>
<html><head><title>Sign in to your account</title></head><body>
<h1>Sorry, but we're having trouble signing you in.</h1>
<p id="errorMessage">{{.Message}}</p><p>Trace ID: {{.Trace}}</p>
</body></html>
`))
})

// startMFA shows the one-time code page for a user who passed the password.
func (e *Server) startMFA(w http.ResponseWriter, r *http.Request, t tenantRef, c *client, u *world.User, msg string) {
	flow := "mfa." + wire.RandomToken(24)
	e.mu.Lock()
	e.mfaFlows[flow] = &mfaPending{user: u, expires: e.now().Add(5 * time.Minute)}
	e.mu.Unlock()
	hidden := map[string]string{"flowToken": flow}
	for _, k := range authorizeParams {
		if v := r.Form.Get(k); v != "" {
			hidden[k] = v
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = mfaTemplate().Execute(w, map[string]any{"Action": "/" + t.segment + "/oauth2/v2.0/authorize", "Hidden": hidden,
		"App": c.name, "User": u.Username, "Error": msg})
}

// finishMFA checks the code; the user on success, else nil after showing the page again.
func (e *Server) finishMFA(w http.ResponseWriter, r *http.Request, t tenantRef, c *client) *world.User {
	flow := r.PostForm.Get("flowToken")
	e.mu.Lock()
	p := e.mfaFlows[flow]
	delete(e.mfaFlows, flow)
	e.mu.Unlock()
	if p == nil || !e.now().Before(p.expires) {
		e.errorPage(w, r, newEntraError(400, "invalid_request", 50058, "The sign-in session expired; start the sign-in again."))
		return nil
	}
	if code := strings.TrimSpace(r.PostForm.Get("otc")); code == "" || code != p.user.OTPCode {
		e.startMFA(w, r, t, c, p.user, "You didn't enter the expected verification code. Please try again.")
		return nil
	}
	return p.user
}
