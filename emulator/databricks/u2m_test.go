package databricks

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

const redirect = "http://localhost:8020"

type pkce struct{ verifier, challenge string }

func newPKCE() pkce {
	v := randomString(64)
	sum := sha256.Sum256([]byte(v))
	return pkce{v, base64.RawURLEncoding.EncodeToString(sum[:])}
}

var txnField = regexp.MustCompile(`name="txn" value="([^"]+)"`)

// signIn runs the browser part: authorize page, then the posted form; it
// returns the redirect the sign-in ends with.
func signIn(t *testing.T, ws *workspace, p pkce, username, password string) reply {
	t.Helper()
	b := ws.browser(t)
	q := url.Values{"client_id": {"databricks-cli"}, "redirect_uri": {redirect}, "response_type": {"code"},
		"scope": {"offline_access all-apis"}, "state": {"st-123"}, "code_challenge": {p.challenge}, "code_challenge_method": {"S256"}}
	req, _ := http.NewRequest(http.MethodGet, ws.URL+"/oidc/v1/authorize?"+q.Encode(), nil)
	page := send(t, b, req)
	m := txnField.FindStringSubmatch(page.body)
	if page.status != 200 || m == nil || !strings.Contains(page.body, `type="password"`) {
		t.Fatalf("sign-in page: %d %s", page.status, page.body)
	}
	form := url.Values{"txn": {m[1]}, "username": {username}, "password": {password}}
	req, _ = http.NewRequest(http.MethodPost, ws.URL+"/oidc/v1/authorize", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return send(t, b, req)
}

func codeFrom(t *testing.T, r reply) string {
	t.Helper()
	if r.status != http.StatusFound {
		t.Fatalf("sign-in did not redirect: %d %s", r.status, r.body)
	}
	u, err := url.Parse(r.header.Get("Location"))
	if err != nil || u.Scheme+"://"+u.Host != redirect || u.Query().Get("state") != "st-123" || u.Query().Get("code") == "" {
		t.Fatalf("redirect %q", r.header.Get("Location"))
	}
	return u.Query().Get("code")
}

func TestU2MFullExchangeAndRefresh(t *testing.T) {
	ws := newWorkspace(t, 0)
	p := newPKCE()
	code := codeFrom(t, signIn(t, ws, p, "alice@contoso.onmicrosoft.com", "alice-pass"))
	r := ws.postForm(t, "/oidc/v1/token", url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {redirect}, "code_verifier": {p.verifier}, "client_id": {"databricks-cli"}}, "", "")
	tok := r.json(t)
	if r.status != 200 || tok["token_type"] != "Bearer" || tok["expires_in"] != float64(3600) || tok["scope"] != "offline_access all-apis" {
		t.Fatalf("token: %d %s", r.status, r.body)
	}
	rt, _ := tok["refresh_token"].(string)
	if rt == "" {
		t.Fatal("no refresh token despite offline_access")
	}
	me := ws.api(t, "/api/2.0/preview/scim/v2/Me", tok["access_token"].(string)).json(t)
	if me["userName"] != "alice@contoso.onmicrosoft.com" || me["id"] != "7000000000000001" {
		t.Fatalf("Me: %v", me)
	}
	// The code is single-use.
	r = ws.postForm(t, "/oidc/v1/token", url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {redirect}, "code_verifier": {p.verifier}, "client_id": {"databricks-cli"}}, "", "")
	if r.status != 400 || r.json(t)["error"] != "invalid_grant" {
		t.Fatalf("reused code: %d %s", r.status, r.body)
	}

	r = ws.postForm(t, "/oidc/v1/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {"databricks-cli"}}, "", "")
	fresh := r.json(t)
	if r.status != 200 || fresh["access_token"] == "" || fresh["access_token"] == tok["access_token"] {
		t.Fatalf("refresh: %d %s", r.status, r.body)
	}
	if me := ws.api(t, "/api/2.0/preview/scim/v2/Me", fresh["access_token"].(string)).json(t); me["userName"] != "alice@contoso.onmicrosoft.com" {
		t.Fatalf("Me after refresh: %v", me)
	}
	r = ws.postForm(t, "/oidc/v1/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"doau-not-issued"}, "client_id": {"databricks-cli"}}, "", "")
	if m := r.json(t); r.status != 401 || m["error"] != "invalid_request" || m["error_description"] != "Refresh token is invalid" {
		t.Fatalf("bad refresh token: %d %s", r.status, r.body)
	}

	// Access tokens expire with the emulated clock.
	ws.clock.advance(3601e9)
	r = ws.api(t, "/api/2.0/preview/scim/v2/Me", fresh["access_token"].(string))
	if r.status != 403 || r.json(t)["message"] != "Invalid access token." {
		t.Fatalf("expired token: %d %s", r.status, r.body)
	}
}

func TestU2MWrongVerifier(t *testing.T) {
	ws := newWorkspace(t, 0)
	p := newPKCE()
	code := codeFrom(t, signIn(t, ws, p, "bob@contoso.onmicrosoft.com", "bob-pass"))
	r := ws.postForm(t, "/oidc/v1/token", url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {redirect}, "code_verifier": {newPKCE().verifier}, "client_id": {"databricks-cli"}}, "", "")
	if m := r.json(t); r.status != 400 || m["error"] != "invalid_grant" {
		t.Fatalf("wrong verifier: %d %s", r.status, r.body)
	}
	if strings.Contains(r.body, code) {
		t.Fatal("error body echoes the code")
	}
}

func TestSignInRejectsWrongPassword(t *testing.T) {
	ws := newWorkspace(t, 0)
	r := signIn(t, ws, newPKCE(), "alice@contoso.onmicrosoft.com", "wrong")
	if r.status != 200 || !strings.Contains(r.body, "Invalid username or password.") || r.header.Get("Location") != "" {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if strings.Contains(r.body, "wrong") {
		t.Fatal("page echoes the password")
	}
}

func TestAuthorizeValidation(t *testing.T) {
	ws := newWorkspace(t, 0)
	p := newPKCE()
	base := func() url.Values {
		return url.Values{"client_id": {"databricks-cli"}, "redirect_uri": {redirect}, "response_type": {"code"},
			"scope": {"all-apis"}, "state": {"s"}, "code_challenge": {p.challenge}, "code_challenge_method": {"S256"}}
	}
	get := func(q url.Values) reply {
		req, _ := http.NewRequest(http.MethodGet, ws.URL+"/oidc/v1/authorize?"+q.Encode(), nil)
		return send(t, ws.browser(t), req)
	}
	// Only databricks-cli's registered redirects: http://localhost:8020..8040 (databricks/cli#3416).
	for _, bad := range []string{"https://localhost:8020", "http://evil.example:8020", "http://localhost", "http://localhost:8020/cb",
		"http://127.0.0.1:53890", "http://127.0.0.1:8020", "http://localhost:8019", "http://localhost:8041"} {
		q := base()
		q.Set("redirect_uri", bad)
		r := get(q)
		if m := r.json(t); r.status != 400 || m["error"] != "invalid request" ||
			m["error_description"] != "redirect_uri '"+bad+"' not registered for OAuth application 'databricks-cli'" {
			t.Fatalf("%s: %d %s", bad, r.status, r.body)
		}
	}
	q := base()
	q.Set("redirect_uri", "http://localhost:8040")
	if r := get(q); r.status != 200 {
		t.Fatalf("fallback port 8040: %d", r.status)
	}
	for name, mutate := range map[string]func(url.Values){
		"plain PKCE":    func(q url.Values) { q.Set("code_challenge_method", "plain") },
		"no PKCE":       func(q url.Values) { q.Del("code_challenge"); q.Del("code_challenge_method") },
		"token flow":    func(q url.Values) { q.Set("response_type", "token") },
		"unknown scope": func(q url.Values) { q.Set("scope", "all-apis everything") },
	} {
		q := base()
		mutate(q)
		r := get(q)
		u, _ := url.Parse(r.header.Get("Location"))
		if r.status != 302 || u == nil || u.Query().Get("error") == "" || u.Query().Get("state") != "s" {
			t.Fatalf("%s: %d %q", name, r.status, r.header.Get("Location"))
		}
	}
	q = base()
	q.Set("client_id", "someone-else")
	if r := get(q); r.status != 400 || r.json(t)["error"] != "invalid_client" {
		t.Fatalf("unknown client: %d %s", r.status, r.body)
	}
}
