package databricks

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/fixture"
	"github.com/golang-jwt/jwt/v5"
)

func (ws *workspace) call(t *testing.T, method, path, token, body string, header map[string]string) reply {
	t.Helper()
	req, _ := http.NewRequest(method, ws.URL+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return send(t, ws.Client(), req)
}

func TestAADAuthRedirectsToTheWorkspaceTenant(t *testing.T) {
	ws := newWorkspace(t, 0)
	r := send(t, ws.browser(t), mustRequest(t, http.MethodGet, ws.URL+"/aad/auth"))
	u, err := url.Parse(r.header.Get("Location"))
	if r.status != http.StatusFound || err != nil || u.Host != "login.microsoftonline.com" ||
		u.Path != "/"+testTenant+"/oauth2/authorize" || u.Query().Get("client_id") != AzureDatabricksResource {
		t.Fatalf("%d %q", r.status, r.header.Get("Location"))
	}
}

func mustRequest(t *testing.T, method, u string) *http.Request {
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestPATLifecycle(t *testing.T) {
	ws := newWorkspace(t, 0)
	// The seeded PAT is alice's.
	if me := ws.api(t, "/api/2.0/preview/scim/v2/Me", seededPAT).json(t); me["userName"] != "alice@contoso.onmicrosoft.com" {
		t.Fatalf("seeded PAT: %v", me)
	}
	created := ws.call(t, http.MethodPost, "/api/2.0/token/create", seededPAT, `{"comment":"ci","lifetime_seconds":3600}`, nil)
	m := created.json(t)
	value, _ := m["token_value"].(string)
	info, _ := m["token_info"].(map[string]any)
	if created.status != 200 || !strings.HasPrefix(value, "dapi") || len(value) != 36 || info["comment"] != "ci" ||
		info["expiry_time"] != float64(start.Add(time.Hour).UnixMilli()) {
		t.Fatalf("create: %d %s", created.status, created.body)
	}
	id := info["token_id"].(string)
	if me := ws.api(t, "/api/2.0/preview/scim/v2/Me", value).json(t); me["userName"] != "alice@contoso.onmicrosoft.com" {
		t.Fatalf("new PAT: %v", me)
	}
	list := ws.api(t, "/api/2.0/token/list", value)
	infos, _ := list.json(t)["token_infos"].([]any)
	if list.status != 200 || len(infos) != 2 || strings.Contains(list.body, value) {
		t.Fatalf("list (must not show values): %d %s", list.status, list.body)
	}
	// Bob's token list does not show alice's tokens, and he cannot delete them.
	bobPAT := ws.call(t, http.MethodPost, "/api/2.0/token/create", entraToken(t, jwt.MapClaims{"oid": "", "scp": "user_impersonation"}), `{}`, nil)
	if bobPAT.status != 403 {
		t.Fatalf("a token for no member: %d %s", bobPAT.status, bobPAT.body)
	}
	bobTok := ws.postForm(t, "/oidc/v1/token", url.Values{"grant_type": {"client_credentials"}, "scope": {"all-apis"}}, spAppID, spSecret).json(t)["access_token"].(string)
	if r := ws.api(t, "/api/2.0/token/list", bobTok); r.status != 200 || r.body != `{"token_infos":[]}` {
		t.Fatalf("another principal's list: %d %s", r.status, r.body)
	}
	if r := ws.call(t, http.MethodPost, "/api/2.0/token/delete", bobTok, `{"token_id":"`+id+`"}`, nil); r.status != 404 {
		t.Fatalf("another principal's delete: %d %s", r.status, r.body)
	}
	if r := ws.call(t, http.MethodPost, "/api/2.0/token/delete", seededPAT, `{"token_id":"`+id+`"}`, nil); r.status != 200 || r.body != "{}" {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	// A deleted PAT is refused as any invalid token, with the real headers.
	r := ws.api(t, "/api/2.0/preview/scim/v2/Me", value)
	if m := r.json(t); r.status != 403 || m["error_code"] != float64(403) || m["message"] != "Invalid access token." ||
		r.header.Get("Content-Type") != "application/json; charset=utf-8" || r.header.Get("Server") != "databricks" {
		t.Fatalf("deleted PAT: %d %s", r.status, r.body)
	}
	if r := ws.call(t, http.MethodPost, "/api/2.0/token/delete", seededPAT, `{"token_id":"`+id+`"}`, nil); r.status != 404 || r.json(t)["error_code"] != "RESOURCE_DOES_NOT_EXIST" {
		t.Fatalf("delete twice: %d %s", r.status, r.body)
	}
	for name, c := range map[string]struct {
		path, body, code string
		status           int
	}{
		"bad JSON":          {"/api/2.0/token/create", `{`, "MALFORMED_REQUEST", 400},
		"delete without id": {"/api/2.0/token/delete", `{}`, "INVALID_PARAMETER_VALUE", 400},
		"negative lifetime": {"/api/2.0/token/create", `{"lifetime_seconds":-5}`, "INVALID_PARAMETER_VALUE", 400},
		"unknown operation": {"/api/2.0/token/rotate", `{}`, "ENDPOINT_NOT_FOUND", 404},
	} {
		r := ws.call(t, http.MethodPost, c.path, seededPAT, c.body, nil)
		if r.status != c.status || r.json(t)["error_code"] != c.code {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
	// A PAT that expired is refused too.
	short := ws.call(t, http.MethodPost, "/api/2.0/token/create", seededPAT, `{"lifetime_seconds":60}`, nil).json(t)["token_value"].(string)
	ws.clock.advance(61 * time.Second)
	if r := ws.api(t, "/api/2.0/preview/scim/v2/Me", short); r.status != 403 {
		t.Fatalf("expired PAT: %d %s", r.status, r.body)
	}
}

func TestEntraServicePrincipals(t *testing.T) {
	ws := newWorkspace(t, 0)
	app := func(appID string) string {
		return entraToken(t, jwt.MapClaims{"appid": appID, "idtyp": "app", "oid": "sp-" + appID})
	}
	// A member Entra service principal gets in with its Entra token alone.
	if me := ws.api(t, "/api/2.0/preview/scim/v2/Me", app(entraMemberApp)).json(t); me["applicationId"] != entraMemberApp {
		t.Fatalf("member SP: %v", me)
	}
	// A resource manager is not a member: refused without the management token...
	r := ws.api(t, "/api/2.0/preview/scim/v2/Me", app(entraManagerApp))
	if r.status != 403 || r.json(t)["error_code"] != "PERMISSION_DENIED" {
		t.Fatalf("manager without header: %d %s", r.status, r.body)
	}
	mgmt := func(appID string) string {
		return entraToken(t, jwt.MapClaims{"aud": "https://management.core.windows.net/", "appid": appID, "idtyp": "app"})
	}
	// ...and with a management token of another app, or a non-management token.
	for name, h := range map[string]string{"other app": mgmt(entraMemberApp), "databricks audience": app(entraManagerApp), "garbage": "x.y.z"} {
		r := ws.call(t, http.MethodGet, "/api/2.0/preview/scim/v2/Me", app(entraManagerApp), "", map[string]string{"X-Databricks-Azure-SP-Management-Token": h})
		if r.status != 403 {
			t.Fatalf("%s: %d %s", name, r.status, r.body)
		}
	}
	// With its own management token it gets in and is a member from then on.
	r = ws.call(t, http.MethodGet, "/api/2.0/preview/scim/v2/Me", app(entraManagerApp), "",
		map[string]string{"X-Databricks-Azure-SP-Management-Token": mgmt(entraManagerApp)})
	if r.status != 200 || r.json(t)["applicationId"] != entraManagerApp {
		t.Fatalf("manager with header: %d %s", r.status, r.body)
	}
	if r := ws.api(t, "/api/2.0/preview/scim/v2/Me", app(entraManagerApp)); r.status != 200 {
		t.Fatalf("manager after provisioning: %d %s", r.status, r.body)
	}
	// An app that manages nothing stays out even with its own management token.
	stranger := "6c1d0000-0000-4000-8000-00000000b0ff"
	r = ws.call(t, http.MethodGet, "/api/2.0/preview/scim/v2/Me", app(stranger), "",
		map[string]string{"X-Databricks-Azure-SP-Management-Token": mgmt(stranger)})
	if r.status != 403 {
		t.Fatalf("stranger: %d %s", r.status, r.body)
	}
	// Entra service principals have no Databricks OAuth secret.
	if r := ws.postForm(t, "/oidc/v1/token", url.Values{"grant_type": {"client_credentials"}, "scope": {"all-apis"}}, entraMemberApp, "x"); r.status != 401 {
		t.Fatalf("M2M for an Entra SP: %d %s", r.status, r.body)
	}
}

func TestAccountOIDCAndAPI(t *testing.T) {
	ws := newWorkspace(t, 0)
	prefix := "/oidc/accounts/" + testAccount
	disc := ws.api(t, prefix+"/.well-known/oauth-authorization-server", "").json(t)
	if disc["token_endpoint"] != ws.URL+prefix+"/v1/token" || disc["authorization_endpoint"] != ws.URL+prefix+"/v1/authorize" {
		t.Fatalf("discovery: %v", disc)
	}
	// M2M at the account.
	r := ws.postForm(t, prefix+"/v1/token", url.Values{"grant_type": {"client_credentials"}, "scope": {"all-apis"}}, spAppID, spSecret)
	at, _ := r.json(t)["access_token"].(string)
	if r.status != 200 || at == "" {
		t.Fatalf("account M2M: %d %s", r.status, r.body)
	}
	claims := jwt.MapClaims{}
	_, _, _ = jwt.NewParser().ParseUnverified(at, claims)
	if claims["iss"] != "https://accounts.azuredatabricks.net"+prefix {
		t.Fatalf("iss %v", claims["iss"])
	}
	ws2 := ws.api(t, "/api/2.0/accounts/"+testAccount+"/workspaces", at)
	if ws2.status != 200 || !strings.Contains(ws2.body, `"workspace_url":"adb-1234567890123456.7.azuredatabricks.net"`) ||
		!strings.Contains(ws2.body, `"workspace_id":"1234567890123456"`) {
		t.Fatalf("workspaces: %d %s", ws2.status, ws2.body)
	}
	// An account token also works on the workspace.
	if me := ws.api(t, "/api/2.0/preview/scim/v2/Me", at).json(t); me["applicationId"] != spAppID {
		t.Fatalf("account token at the workspace: %v", me)
	}
	// Refusals: a workspace token, a PAT and no token at the account API; another account; an unknown account's OIDC.
	wsTok := ws.postForm(t, "/oidc/v1/token", url.Values{"grant_type": {"client_credentials"}, "scope": {"all-apis"}}, spAppID, spSecret).json(t)["access_token"].(string)
	for name, tok := range map[string]string{"workspace token": wsTok, "PAT": seededPAT} {
		r := ws.api(t, "/api/2.0/accounts/"+testAccount+"/workspaces", tok)
		if m := r.json(t); r.status != 401 || m["error_code"] != "UNAUTHENTICATED" {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
	if r := ws.api(t, "/api/2.0/accounts/"+testAccount+"/workspaces", ""); r.status != 401 || r.json(t)["error_code"] != float64(401) {
		t.Errorf("no token: %d %s", r.status, r.body)
	}
	if r := ws.api(t, "/api/2.0/accounts/00000000-0000-0000-0000-000000000000/workspaces", at); r.status != 403 || r.json(t)["error_code"] != "PERMISSION_DENIED" {
		t.Errorf("other account: %d %s", r.status, r.body)
	}
	if r := ws.postForm(t, "/oidc/accounts/nope/v1/token", url.Values{"grant_type": {"client_credentials"}}, spAppID, spSecret); r.status != 400 || r.json(t)["error"] != "invalid_request" {
		t.Errorf("unknown account OIDC: %d %s", r.status, r.body)
	}
	// The workspace's refresh tokens and codes do not work at the account.
	if r := ws.postForm(t, prefix+"/v1/token", url.Values{"grant_type": {"client_credentials"}}, spAppID, "wrong"); r.status != 401 || r.json(t)["error"] != "invalid_client" {
		t.Errorf("wrong secret: %d %s", r.status, r.body)
	}
}

func TestAccountU2M(t *testing.T) {
	ws := newWorkspace(t, 0)
	prefix := "/oidc/accounts/" + testAccount
	p := newPKCE()
	b := ws.browser(t)
	q := url.Values{"client_id": {"databricks-cli"}, "redirect_uri": {redirect}, "response_type": {"code"},
		"scope": {"offline_access all-apis"}, "state": {"st-123"}, "code_challenge": {p.challenge}, "code_challenge_method": {"S256"}}
	page := send(t, b, mustRequest(t, http.MethodGet, ws.URL+prefix+"/v1/authorize?"+q.Encode()))
	m := txnField.FindStringSubmatch(page.body)
	if page.status != 200 || m == nil || !strings.Contains(page.body, `action="`+prefix+`/v1/authorize"`) {
		t.Fatalf("sign-in page: %d %s", page.status, page.body)
	}
	form := url.Values{"txn": {m[1]}, "username": {"alice@contoso.onmicrosoft.com"}, "password": {"alice-pass"}}
	req, _ := http.NewRequest(http.MethodPost, ws.URL+prefix+"/v1/authorize", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	code := codeFrom(t, send(t, b, req))
	exchange := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect},
		"code_verifier": {p.verifier}, "client_id": {"databricks-cli"}}
	// A code from the account is not redeemable at the workspace (and is spent by trying).
	r := ws.postForm(t, "/oidc/v1/token", exchange, "", "")
	if r.status != 400 || r.json(t)["error"] != "invalid_grant" {
		t.Fatalf("account code at the workspace: %d %s", r.status, r.body)
	}
	code = codeFrom(t, signInAt(t, ws, prefix, p))
	exchange.Set("code", code)
	tok := ws.postForm(t, prefix+"/v1/token", exchange, "", "").json(t)
	at, _ := tok["access_token"].(string)
	if at == "" || tok["refresh_token"] == nil {
		t.Fatalf("account U2M: %v", tok)
	}
	if me := ws.api(t, "/api/2.0/accounts/"+testAccount+"/scim/v2/Me", at).json(t); me["userName"] != "alice@contoso.onmicrosoft.com" {
		t.Fatalf("account Me: %v", me)
	}
	// The account's refresh token is refused by the workspace.
	if r := ws.postForm(t, "/oidc/v1/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok["refresh_token"].(string)},
		"client_id": {"databricks-cli"}}, "", ""); r.status != 401 {
		t.Fatalf("account refresh token at the workspace: %d %s", r.status, r.body)
	}
}

func signInAt(t *testing.T, ws *workspace, prefix string, p pkce) reply {
	b := ws.browser(t)
	q := url.Values{"client_id": {"databricks-cli"}, "redirect_uri": {redirect}, "response_type": {"code"},
		"scope": {"offline_access all-apis"}, "state": {"st-123"}, "code_challenge": {p.challenge}, "code_challenge_method": {"S256"}}
	page := send(t, b, mustRequest(t, http.MethodGet, ws.URL+prefix+"/v1/authorize?"+q.Encode()))
	m := txnField.FindStringSubmatch(page.body)
	if m == nil {
		t.Fatalf("no sign-in page: %s", page.body)
	}
	form := url.Values{"txn": {m[1]}, "username": {"alice@contoso.onmicrosoft.com"}, "password": {"alice-pass"}}
	req, _ := http.NewRequest(http.MethodPost, ws.URL+prefix+"/v1/authorize", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return send(t, b, req)
}

func TestFederationTokenExchange(t *testing.T) {
	ws := newWorkspace(t, 0)
	idToken := func(key string, extra jwt.MapClaims) string {
		c := jwt.MapClaims{"iss": testIssuer, "sub": "repo:contoso/app:ref:refs/heads/main", "aud": "databricks",
			"iat": start.Unix(), "exp": start.Add(10 * time.Minute).Unix()}
		for k, v := range extra {
			c[k] = v
		}
		if key == "other" {
			return fixture.Sign(t, fixture.OtherKey(), c)
		}
		return fixture.Sign(t, fixture.Key(), c)
	}
	exchange := func(subject, clientID string) reply {
		f := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:token-exchange"}, "subject_token": {subject},
			"subject_token_type": {"urn:ietf:params:oauth:token-type:jwt"}, "scope": {"all-apis"}}
		if clientID != "" {
			f.Set("client_id", clientID)
		}
		return ws.postForm(t, "/oidc/v1/token", f, "", "")
	}
	// A service principal policy: client_id names the SP.
	r := exchange(idToken("", nil), spAppID)
	tok := r.json(t)
	if r.status != 200 || tok["expires_in"] != float64(600) {
		t.Fatalf("SP exchange: %d %s", r.status, r.body)
	}
	if me := ws.api(t, "/api/2.0/preview/scim/v2/Me", tok["access_token"].(string)).json(t); me["applicationId"] != spAppID {
		t.Fatalf("Me: %v", me)
	}
	// A user policy: sub is the user; the default audiences are the account id and the token endpoint.
	r = exchange(idToken("", jwt.MapClaims{"sub": "bob@contoso.onmicrosoft.com", "aud": "https://adb-1234567890123456.7.azuredatabricks.net/oidc/v1/token"}), "")
	if me := ws.api(t, "/api/2.0/preview/scim/v2/Me", r.json(t)["access_token"].(string)).json(t); me["userName"] != "bob@contoso.onmicrosoft.com" {
		t.Fatalf("user exchange: %d %s", r.status, r.body)
	}
	for name, c := range map[string]struct {
		subject, clientID, want string
	}{
		"wrong subject":   {idToken("", jwt.MapClaims{"sub": "repo:evil/app"}), spAppID, "no federation policy matches"},
		"wrong audience":  {idToken("", jwt.MapClaims{"aud": "api://AzureADTokenExchange"}), spAppID, "no federation policy matches"},
		"wrong client":    {idToken("", nil), entraMemberApp, "no federation policy matches"},
		"other issuer":    {idToken("", jwt.MapClaims{"iss": "https://token.actions.githubusercontent.com"}), spAppID, "cannot be verified"},
		"wrong signature": {idToken("other", nil), spAppID, "cannot be verified"},
		"expired":         {idToken("", jwt.MapClaims{"exp": start.Add(-time.Second).Unix()}), spAppID, "has expired"},
		"not a JWT":       {"not-a-jwt", spAppID, "not a JWT"},
	} {
		r := exchange(c.subject, c.clientID)
		m := r.json(t)
		desc, _ := m["error_description"].(string)
		if r.status != 401 || m["error"] != "invalid_request" || !strings.Contains(desc, c.want) || strings.Contains(r.body, c.subject) {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
	f := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:token-exchange"}}
	if r := ws.postForm(t, "/oidc/v1/token", f, "", ""); r.status != 400 || r.json(t)["error_description"] != "Missing subject_token" {
		t.Errorf("missing subject_token: %d %s", r.status, r.body)
	}
	f.Set("subject_token", idToken("", nil))
	f.Set("subject_token_type", "urn:ietf:params:oauth:token-type:access_token")
	if r := ws.postForm(t, "/oidc/v1/token", f, "", ""); r.status != 400 || r.json(t)["error"] != "invalid_request" {
		t.Errorf("wrong subject_token_type: %d %s", r.status, r.body)
	}
}
