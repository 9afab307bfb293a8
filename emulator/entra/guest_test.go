package entra_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/internal/fixture"
)

// alice is a guest in the seeded partner tenant: tokens carry its tid, the
// guest's own oid there and the home tenant as idp; the id_token has no oid;
// client_info names her home account. bob is not invited (50020) and the
// world's apps do not exist there (700016).
func TestGuestTenant(t *testing.T) {
	em := startEmulator(t, emulator.Config{Groups: 1})
	c, w := em.HTTPClient(), em.World()
	if len(w.GuestTenants) != 1 {
		t.Fatalf("seeded guest tenants: %v", w.GuestTenants)
	}
	partner := w.GuestTenants[0]
	alice, bob := w.User("alice"), w.User("bob")
	const scope = "https://graph.microsoft.com/.default openid profile offline_access"

	check := func(body map[string]any) {
		t.Helper()
		at := claimsOf(t, em, body["access_token"].(string))
		if at["tid"] != partner.TenantID || at["iss"] != "https://sts.windows.net/"+partner.TenantID+"/" ||
			at["oid"] == alice.ObjectID || at["oid"] == nil || at["idp"] != "https://sts.windows.net/"+w.TenantID+"/" ||
			at["upn"] != nil || at["acct"] != float64(1) {
			t.Fatalf("guest access token claims: %v", at)
		}
		id := claimsOf(t, em, body["id_token"].(string))
		if _, has := id["oid"]; has || id["tid"] != partner.TenantID || id["preferred_username"] != alice.Username ||
			!strings.HasSuffix(id["iss"].(string), "/"+partner.TenantID+"/v2.0") {
			t.Fatalf("guest id_token claims: %v", id)
		}
		raw, err := base64.RawURLEncoding.DecodeString(body["client_info"].(string))
		var ci map[string]string
		if err != nil || json.Unmarshal(raw, &ci) != nil || ci["uid"] != alice.ObjectID || ci["utid"] != w.TenantID {
			t.Fatalf("client_info %s: %v", raw, err)
		}
	}
	// By domain, with the password grant.
	st, body := fixture.PostForm(t, c, fixture.LoginURL(partner.Domain, "token"), url.Values{"grant_type": {"password"}, "client_id": {fixture.AzureCLI},
		"username": {alice.Username}, "password": {alice.Password}, "scope": {scope}, "client_info": {"1"}})
	if st != 200 {
		t.Fatalf("%d %v", st, body)
	}
	check(body)
	// Her home tenant's refresh token works in the partner tenant (by id).
	_, home := fixture.PostForm(t, c, fixture.LoginURL(w.TenantID, "token"), url.Values{"grant_type": {"password"}, "client_id": {fixture.AzureCLI},
		"username": {alice.Username}, "password": {alice.Password}, "scope": {scope}, "client_info": {"1"}})
	if claimsOf(t, em, home["access_token"].(string))["tid"] != w.TenantID {
		t.Fatalf("home token: %v", home)
	}
	st, body = fixture.PostForm(t, c, fixture.LoginURL(partner.TenantID, "token"), url.Values{"grant_type": {"refresh_token"}, "client_id": {fixture.AzureCLI},
		"refresh_token": {home["refresh_token"].(string)}, "scope": {scope}, "client_info": {"1"}})
	if st != 200 {
		t.Fatalf("%d %v", st, body)
	}
	check(body)
	// Graph takes the partner tenant's token and shows that tenant's
	// directory: her guest object, not her home one.
	req, _ := http.NewRequest("GET", "https://graph.microsoft.com/v1.0/me", nil)
	req.Header.Set("Authorization", "Bearer "+body["access_token"].(string))
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	me := fixture.DecodeJSON(t, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || me["id"] != claimsOf(t, em, body["access_token"].(string))["oid"] ||
		me["userPrincipalName"] != strings.ReplaceAll(alice.Username, "@", "_")+"#EXT#@"+partner.Domain {
		t.Fatalf("/me with the partner token: %d %v", resp.StatusCode, me)
	}

	// The partner tenant's discovery names it.
	st, doc := fixture.GetJSON(t, c, "https://login.microsoftonline.com/"+partner.Domain+"/v2.0/.well-known/openid-configuration")
	if st != 200 || !strings.Contains(doc["issuer"].(string), partner.TenantID) {
		t.Fatalf("discovery %d %v", st, doc)
	}

	st, body = fixture.PostForm(t, c, fixture.LoginURL(partner.Domain, "token"), url.Values{"grant_type": {"password"}, "client_id": {fixture.AzureCLI},
		"username": {bob.Username}, "password": {bob.Password}, "scope": {scope}})
	fixture.WantEntraError(t, st, body, 400, "invalid_grant", 50020)
	if !strings.Contains(body["error_description"].(string), "does not exist in tenant 'Contoso Partner'") {
		t.Fatalf("50020 text: %v", body["error_description"])
	}
	app := worldApp(t, em, "reader-app")
	st, body = fixture.PostForm(t, c, fixture.LoginURL(partner.TenantID, "token"), url.Values{"grant_type": {"client_credentials"}, "client_id": {app.ClientID},
		"client_secret": {app.ClientSecret}, "scope": {"https://graph.microsoft.com/.default"}})
	fixture.WantEntraError(t, st, body, 400, "unauthorized_client", 700016)
}
