package entra_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/internal/fixture"
)

// TestV1DeviceCode: ADAL's device code flow, as adal-node sends it: the v1
// endpoint with resource=, an answer with verification_url and numbers as
// strings, then polls at the v1 token endpoint with grant_type=device_code
// and the code in "code", pending until the person approves.
func TestV1DeviceCode(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	c := em.HTTPClient()
	const arm = "https://management.core.windows.net/"
	resp, err := c.PostForm("https://login.microsoftonline.com/organizations/oauth2/devicecode", url.Values{"client_id": {fixture.AzureCLI}, "resource": {arm}})
	if err != nil {
		t.Fatal(err)
	}
	dc := fixture.DecodeJSON(t, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store, no-cache" {
		t.Fatalf("devicecode: %d %q %v", resp.StatusCode, resp.Header.Get("Cache-Control"), dc)
	}
	userCode, _ := dc["user_code"].(string)
	if dc["verification_url"] != "https://microsoft.com/devicelogin" || dc["verification_uri"] != nil ||
		dc["expires_in"] != "900" || dc["interval"] != "5" || !regexp.MustCompile(`^[A-Z0-9]{9}$`).MatchString(userCode) ||
		dc["message"] != "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code "+userCode+" to authenticate." {
		t.Fatalf("v1 devicecode answer: %v", dc)
	}
	poll := url.Values{"grant_type": {"device_code"}, "client_id": {fixture.AzureCLI}, "resource": {arm}, "code": {dc["device_code"].(string)}}
	st, body := fixture.PostForm(t, c, "https://login.microsoftonline.com/organizations/oauth2/token", poll)
	fixture.WantEntraError(t, st, body, 400, "authorization_pending", 70016)
	if err := em.ApproveDevice(userCode, "alice"); err != nil {
		t.Fatal(err)
	}
	st, tok := fixture.PostForm(t, c, "https://login.microsoftonline.com/organizations/oauth2/token", poll)
	if st != 200 {
		t.Fatalf("redeem: %d %v", st, tok)
	}
	if _, isString := tok["expires_in"].(string); !isString || tok["resource"] != arm || tok["refresh_token"] == nil || tok["scope"] != "user_impersonation" {
		t.Fatalf("v1 token answer: %v", tok)
	}
	claims := claimsOf(t, em, tok["access_token"].(string))
	if claims["aud"] != arm || claims["upn"] != em.World().User("alice").Username {
		t.Fatalf("claims: %v", claims)
	}
	// Redeemed once only; a code from the v1 endpoint is no v2 scope.
	st, body = fixture.PostForm(t, c, "https://login.microsoftonline.com/organizations/oauth2/token", poll)
	fixture.WantEntraError(t, st, body, 400, "invalid_grant", 90120)
	st, body = fixture.PostForm(t, c, "https://login.microsoftonline.com/organizations/oauth2/devicecode", url.Values{"client_id": {fixture.AzureCLI}})
	fixture.WantEntraError(t, st, body, 400, "invalid_request", 900144)
	if d, _ := body["error_description"].(string); !strings.Contains(d, "'resource'") {
		t.Fatalf("missing resource: %q", d)
	}
	// The v2 endpoint answers with the same cache header.
	resp, err = c.PostForm("https://login.microsoftonline.com/organizations/oauth2/v2.0/devicecode", url.Values{"client_id": {fixture.AzureCLI}, "scope": {arm + "/.default"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "no-store, no-cache" {
		t.Fatalf("v2 devicecode: %d %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
}
