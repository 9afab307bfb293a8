package databricks

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/fixture"
	"github.com/golang-jwt/jwt/v5"
)

func TestM2MWithBasic(t *testing.T) {
	ws := newWorkspace(t, 0)
	r := ws.postForm(t, "/oidc/v1/token", url.Values{"grant_type": {"client_credentials"}, "scope": {"all-apis"}}, spAppID, spSecret)
	tok := r.json(t)
	if r.status != 200 || tok["scope"] != "all-apis" || tok["token_type"] != "Bearer" || tok["expires_in"] != float64(3600) {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if _, has := tok["refresh_token"]; has {
		t.Fatal("M2M must not return a refresh token")
	}
	me := ws.api(t, "/api/2.0/preview/scim/v2/Me", tok["access_token"].(string)).json(t)
	if me["applicationId"] != spAppID || me["displayName"] != "automation-sp" {
		t.Fatalf("Me: %v", me)
	}
	// client_secret_post is accepted too.
	r = ws.postForm(t, "/oidc/v1/token", url.Values{"grant_type": {"client_credentials"}, "scope": {"all-apis"},
		"client_id": {spAppID}, "client_secret": {spSecret}}, "", "")
	if r.status != 200 {
		t.Fatalf("client_secret_post: %d %s", r.status, r.body)
	}
}

func TestM2MBadSecret(t *testing.T) {
	ws := newWorkspace(t, 0)
	for name, creds := range map[string][2]string{"bad secret": {spAppID, "nope"}, "unknown client": {"not-an-sp", spSecret}} {
		r := ws.postForm(t, "/oidc/v1/token", url.Values{"grant_type": {"client_credentials"}, "scope": {"all-apis"}}, creds[0], creds[1])
		m := r.json(t)
		if r.status != 401 || m["error"] != "invalid_client" || m["error_description"] != "Client authentication failed" {
			t.Fatalf("%s: %d %s", name, r.status, r.body)
		}
		if strings.Contains(r.body, spSecret) || strings.Contains(r.body, "nope") {
			t.Fatalf("%s: error echoes a secret", name)
		}
	}
	r := ws.postForm(t, "/oidc/v1/token", url.Values{"grant_type": {"password"}}, spAppID, spSecret)
	if r.status != 400 || r.json(t)["error"] != "unsupported_grant_type" {
		t.Fatalf("password grant: %d %s", r.status, r.body)
	}
}

func TestScopeLimitsAPIs(t *testing.T) {
	ws := newWorkspace(t, 3)
	r := ws.postForm(t, "/oidc/v1/token", url.Values{"grant_type": {"client_credentials"}, "scope": {"jobs"}}, spAppID, spSecret)
	at := r.json(t)["access_token"].(string)
	if r := ws.api(t, "/api/2.1/jobs/list", at); r.status != 200 {
		t.Fatalf("jobs with jobs scope: %d %s", r.status, r.body)
	}
	if r := ws.api(t, "/api/2.0/clusters/list", at); r.status != 403 || r.json(t)["error_code"] != "PERMISSION_DENIED" {
		t.Fatalf("clusters with jobs scope: %d %s", r.status, r.body)
	}
}

func TestEntraTokens(t *testing.T) {
	ws := newWorkspace(t, 0)
	user := entraToken(t, jwt.MapClaims{"oid": aliceOID, "scp": "user_impersonation", "upn": "alice@contoso.onmicrosoft.com"})
	if me := ws.api(t, "/api/2.0/preview/scim/v2/Me", user).json(t); me["userName"] != "alice@contoso.onmicrosoft.com" || me["externalId"] != aliceOID {
		t.Fatalf("Entra user: %v", me)
	}
	sp := entraToken(t, jwt.MapClaims{"appid": spAppID, "roles": []any{}, "idtyp": "app"})
	if me := ws.api(t, "/api/2.0/preview/scim/v2/Me", sp).json(t); me["applicationId"] != spAppID {
		t.Fatalf("Entra SP: %v", me)
	}
	// A wrong aud or iss is the workspace's Jetty HTML 400, as the real one answers.
	for name, c := range map[string]struct {
		tok, want string
	}{
		"graph audience": {entraToken(t, jwt.MapClaims{"aud": "https://graph.microsoft.com", "oid": aliceOID, "scp": "User.Read"}),
			"io.jsonwebtoken.IncorrectClaimException: Expected aud claim to be: 2ff814a6-3304-4ab8-85cb-cd0e6f879c1d, but was: https://graph.microsoft.com."},
		"other tenant": {entraToken(t, jwt.MapClaims{"tid": "00000000-0000-0000-0000-000000000009", "iss": "https://sts.windows.net/00000000-0000-0000-0000-000000000009/", "oid": aliceOID, "scp": "user_impersonation"}),
			"io.jsonwebtoken.IncorrectClaimException: Expected iss claim to be: https://sts.windows.net/" + testTenant + "/, but was: https://sts.windows.net/00000000-0000-0000-0000-000000000009/."},
	} {
		r := ws.api(t, "/api/2.0/preview/scim/v2/Me", c.tok)
		if r.status != 400 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") ||
			!strings.Contains(r.body, "<title>Error 400 "+c.want+"</title>") || !strings.Contains(r.body, "<pre>    "+c.want+"</pre>") {
			t.Fatalf("%s: %d %s", name, r.status, r.body)
		}
	}
	// Expired, and about to expire (databricks/databricks-sdk-go#1061,
	// databricks/databricks-sdk-py#362).
	for name, c := range map[string]struct {
		exp    time.Time
		status int
		msg    string
	}{
		"expired":  {start.Add(-time.Second), 401, "Token is expired"},
		"29s left": {start.Add(29 * time.Second), 403, "Token is expiring within 30 seconds. (token expired)"},
	} {
		r := ws.api(t, "/api/2.0/preview/scim/v2/Me", entraToken(t, jwt.MapClaims{"exp": c.exp.Unix(), "oid": aliceOID, "scp": "user_impersonation"}))
		if m := r.json(t); r.status != c.status || m["error_code"] != float64(c.status) || m["message"] != c.msg {
			t.Fatalf("%s: %d %s", name, r.status, r.body)
		}
	}
	if r := ws.api(t, "/api/2.0/preview/scim/v2/Me", entraToken(t, jwt.MapClaims{"exp": start.Add(31 * time.Second).Unix(), "oid": aliceOID, "scp": "user_impersonation"})); r.status != 200 {
		t.Fatalf("31s left: %d %s", r.status, r.body)
	}
	for name, tok := range map[string]string{
		"garbage":         "not-a-token",
		"unknown PAT":     "dapi0123456789abcdef0123456789abcdef",
		"other signature": otherKeyToken(t),
	} {
		r := ws.api(t, "/api/2.0/preview/scim/v2/Me", tok)
		m := r.json(t)
		if r.status != 403 || m["error_code"] != float64(403) || m["message"] != "Invalid access token." || r.header.Get("X-Databricks-Reason-Phrase") != "Invalid access token." {
			t.Fatalf("%s: %d %s", name, r.status, r.body)
		}
	}
	stranger := entraToken(t, jwt.MapClaims{"oid": "99999999-0000-0000-0000-000000000000", "scp": "user_impersonation"})
	if r := ws.api(t, "/api/2.0/preview/scim/v2/Me", stranger); r.status != 403 || r.json(t)["error_code"] != "PERMISSION_DENIED" {
		t.Fatalf("unknown user: %d %s", r.status, r.body)
	}
	r := ws.api(t, "/api/2.0/preview/scim/v2/Me", "")
	if m := r.json(t); r.status != 401 || m["error_code"] != float64(401) ||
		!strings.HasPrefix(m["message"].(string), "Credential was not sent or was of an unsupported type for this API.") {
		t.Fatalf("no token: %d %s", r.status, r.body)
	}
}

// otherKeyToken is a well-formed Entra-shaped token signed by a key nobody trusts.
func otherKeyToken(t *testing.T) string {
	s, err := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{"aud": AzureDatabricksResource, "tid": testTenant,
		"oid": aliceOID, "scp": "user_impersonation", "exp": start.Add(time.Hour).Unix()}).SignedString(fixture.OtherKey())
	if err != nil {
		t.Fatal(err)
	}
	return s
}
