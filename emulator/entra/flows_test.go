package entra_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/internal/fixture"
	"github.com/azrepl/azrepl/emulator/world"
)

func TestDiscoveryIssuers(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	c := em.HTTPClient()
	tid := em.World().TenantID
	cases := map[string]string{
		"organizations":   "https://login.microsoftonline.com/{tenantid}/v2.0",
		"common":          "https://login.microsoftonline.com/{tenantid}/v2.0",
		tid:               "https://login.microsoftonline.com/" + tid + "/v2.0",
		em.World().Domain: "https://login.microsoftonline.com/" + tid + "/v2.0",
		"consumers":       "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0",
	}
	for seg, want := range cases {
		st, doc := fixture.GetJSON(t, c, "https://login.microsoftonline.com/"+seg+"/v2.0/.well-known/openid-configuration")
		if st != 200 || doc["issuer"] != want {
			t.Errorf("%s: %d issuer %v, want %s", seg, st, doc["issuer"], want)
		}
		if te, _ := doc["token_endpoint"].(string); !strings.HasPrefix(te, "https://login.microsoftonline.com/") {
			t.Errorf("%s: token_endpoint %v", seg, doc["token_endpoint"])
		}
	}
	// On the direct listener the issuer host is the request host, so MSAL's
	// issuer-matches-authority check passes there too.
	direct := &http.Client{Transport: &http.Transport{TLSClientConfig: em.HTTPClient().Transport.(*http.Transport).TLSClientConfig}}
	st, doc := fixture.GetJSON(t, direct, em.DirectURL()+"/"+tid+"/v2.0/.well-known/openid-configuration")
	if st != 200 || doc["issuer"] != em.DirectURL()+"/"+tid+"/v2.0" {
		t.Fatalf("direct: %d %v", st, doc["issuer"])
	}
	st, keys := fixture.GetJSON(t, c, "https://login.microsoftonline.com/common/discovery/v2.0/keys")
	if ks, _ := keys["keys"].([]any); st != 200 || len(ks) != 1 {
		t.Fatalf("keys: %d %v", st, keys)
	}
	st, inst := fixture.GetJSON(t, c, "https://login.microsoftonline.com/common/discovery/instance?api-version=1.1&authorization_endpoint=https://login.microsoftonline.com/common/oauth2/v2.0/authorize")
	if st != 200 || inst["tenant_discovery_endpoint"] == nil {
		t.Fatalf("instance discovery: %d %v", st, inst)
	}
	st, inst = fixture.GetJSON(t, c, "https://login.microsoftonline.com/common/discovery/instance?api-version=1.1&authorization_endpoint=https://login.example.org/common/oauth2/v2.0/authorize")
	if st != 400 || inst["error"] != "invalid_instance" {
		t.Fatalf("unknown instance: %d %v", st, inst)
	}
}

func TestDeviceCodeTokensAndRefreshToAnotherResource(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	alice := em.World().User("alice")
	tok := deviceLogin(t, em, fixture.AzureCLI, "https://management.core.windows.net//.default offline_access openid profile")
	if got, want := tok["scope"], "https://management.core.windows.net//user_impersonation https://management.core.windows.net//.default"; got != want {
		t.Errorf("scope = %q, want %q", got, want)
	}
	if tok["foci"] != "1" || tok["refresh_token"] == nil || tok["id_token"] == nil || !userLifetime(tok["expires_in"]) {
		t.Errorf("token response fields: %v", tok)
	}
	at := claimsOf(t, em, tok["access_token"].(string))
	want := map[string]any{"aud": "https://management.core.windows.net/", "iss": "https://sts.windows.net/" + em.World().TenantID + "/",
		"tid": em.World().TenantID, "oid": alice.ObjectID, "upn": alice.Username, "unique_name": alice.Username,
		"appid": fixture.AzureCLI, "appidacr": "0", "scp": "user_impersonation", "ver": "1.0", "idtyp": "user", "name": alice.DisplayName}
	for k, v := range want {
		if at[k] != v {
			t.Errorf("access token %s = %v, want %v", k, at[k], v)
		}
	}
	id := claimsOf(t, em, tok["id_token"].(string))
	if id["aud"] != fixture.AzureCLI || id["preferred_username"] != alice.Username || id["ver"] != "2.0" ||
		id["iss"] != "https://login.microsoftonline.com/"+em.World().TenantID+"/v2.0" {
		t.Errorf("id_token claims %v", id)
	}
	ci, err := base64.RawURLEncoding.DecodeString(tok["client_info"].(string))
	var info map[string]string
	if err != nil || json.Unmarshal(ci, &info) != nil || info["uid"] != alice.ObjectID || info["utid"] != em.World().TenantID {
		t.Errorf("client_info %s: %v", ci, err)
	}

	// The ARM refresh token gives a Graph token; the old RT stays valid.
	c := em.HTTPClient()
	rt := tok["refresh_token"].(string)
	for _, res := range []struct{ scope, aud string }{
		{"https://graph.microsoft.com/.default offline_access openid profile", "https://graph.microsoft.com"},
		{"2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default offline_access openid profile", "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d"},
	} {
		st, r := fixture.PostForm(t, c, fixture.LoginURL(em.World().TenantID, "token"), url.Values{"grant_type": {"refresh_token"},
			"client_id": {fixture.AzureCLI}, "refresh_token": {rt}, "scope": {res.scope}, "client_info": {"1"}})
		if st != 200 {
			t.Fatalf("refresh for %s: %d %v", res.aud, st, r)
		}
		if got := claimsOf(t, em, r["access_token"].(string))["aud"]; got != res.aud {
			t.Errorf("aud = %v, want %s", got, res.aud)
		}
		if r["refresh_token"] == nil || r["refresh_token"] == rt {
			t.Errorf("refresh grant must return a new refresh token")
		}
	}
	// FOCI: Azure PowerShell redeems the Azure CLI's refresh token.
	st, r := fixture.PostForm(t, c, fixture.LoginURL("organizations", "token"), url.Values{"grant_type": {"refresh_token"},
		"client_id": {"1950a258-227b-4e31-a9cf-717495945fc2"}, "refresh_token": {rt}, "scope": {"https://graph.microsoft.com/.default"}})
	if st != 200 || claimsOf(t, em, r["access_token"].(string))["appid"] != "1950a258-227b-4e31-a9cf-717495945fc2" {
		t.Fatalf("FOCI redemption: %d %v", st, r)
	}
}

func TestClientCredentialsRolesByApp(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	c := em.HTTPClient()
	for _, name := range []string{"story-app", "reader-app"} {
		var app *world.App
		for i := range em.World().Apps {
			if em.World().Apps[i].Name == name {
				app = &em.World().Apps[i]
			}
		}
		st, r := fixture.PostForm(t, c, fixture.LoginURL(em.World().TenantID, "token"), url.Values{"grant_type": {"client_credentials"},
			"client_id": {app.ClientID}, "client_secret": {app.ClientSecret}, "scope": {"https://graph.microsoft.com/.default"}})
		if st != 200 || r["refresh_token"] != nil || r["scope"] != nil {
			t.Fatalf("%s: %d %v", name, st, r)
		}
		cl := claimsOf(t, em, r["access_token"].(string))
		roles, _ := cl["roles"].([]any)
		if cl["idtyp"] != "app" || cl["appidacr"] != "1" || cl["scp"] != nil || len(roles) != len(app.GraphAppRoles) {
			t.Errorf("%s claims: %v", name, cl)
		}
	}
}

func TestAuthorizationCodeWithPKCE(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	c := noRedirect(em)
	verifier := strings.Repeat("v", 50)
	sum := sha256.Sum256([]byte(verifier))
	loc := authorizeAs(t, em, c, "alice", em.World().User("alice").Password, url.Values{
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "nonce": {"n-123"}, "state": {"s-456"}})
	if loc.Query().Get("state") != "s-456" || loc.Query().Get("code") == "" {
		t.Fatalf("redirect %v", loc)
	}
	form := url.Values{"grant_type": {"authorization_code"}, "client_id": {fixture.AzureCLI}, "code": {loc.Query().Get("code")},
		"redirect_uri": {"http://localhost:8400"}, "code_verifier": {verifier},
		"scope": {"https://management.core.windows.net//.default offline_access openid profile"}}
	st, tok := fixture.PostForm(t, c, fixture.LoginURL("organizations", "token"), form)
	if st != 200 {
		t.Fatalf("code redemption: %d %v", st, tok)
	}
	if n := claimsOf(t, em, tok["id_token"].(string))["nonce"]; n != "n-123" {
		t.Errorf("nonce = %v", n)
	}
	st, body := fixture.PostForm(t, c, fixture.LoginURL("organizations", "token"), form)
	fixture.WantEntraError(t, st, body, 400, "invalid_grant", 54005)
}

func noRedirect(em *emulator.Emulator) *http.Client {
	c := em.HTTPClient()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

// authorizeAs submits the sign-in page's form as a browser would and returns
// the redirect location.
func authorizeAs(t *testing.T, em *emulator.Emulator, c *http.Client, login, password string, extra url.Values) *url.URL {
	t.Helper()
	form := url.Values{"client_id": {fixture.AzureCLI}, "response_type": {"code"}, "redirect_uri": {"http://localhost:8400"},
		"scope":                 {"https://management.core.windows.net//.default offline_access openid profile"},
		"code_challenge_method": {"S256"}, "login": {login}, "passwd": {password}, "action": {"signin"}}
	for k, v := range extra {
		form[k] = v
	}
	resp, err := c.PostForm(fixture.LoginURL("organizations", "authorize"), form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize: status %d, want 302", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
