package entra_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/internal/fixture"
)

func TestTokenLifetimeAndBasicAuth(t *testing.T) {
	em := startEmulator(t, emulator.Config{TokenLifetime: 10 * time.Minute})
	app := em.World().Apps[1]
	req, err := http.NewRequest("POST", fixture.LoginURL(em.World().Domain, "token"), strings.NewReader(url.Values{
		"grant_type": {"client_credentials"}, "client_id": {app.ClientID}, "scope": {"https://management.azure.com/.default"}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(app.ClientID, app.ClientSecret) // client_secret_basic
	resp, err := em.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body := fixture.DecodeJSON(t, resp.Body)
	if resp.StatusCode != 200 || body["expires_in"] != float64(599) {
		t.Fatalf("%d %v", resp.StatusCode, body)
	}
	c := claimsOf(t, em, body["access_token"].(string))
	exp, _ := c["exp"].(float64)
	iat, _ := c["iat"].(float64)
	if exp-iat != 599+300 || c["aud"] != "https://management.azure.com" || c["roles"] != nil {
		t.Errorf("claims %v", c)
	}
}

func TestSignInPagePrefillsLoginHint(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	resp, err := em.HTTPClient().Get(fixture.LoginURL("organizations", "authorize") + "?" + url.Values{"client_id": {fixture.AzureCLI},
		"response_type": {"code"}, "redirect_uri": {"http://localhost:5000"}, "scope": {"openid profile"},
		"code_challenge": {"abc"}, "code_challenge_method": {"S256"}, "login_hint": {"bob@contoso.onmicrosoft.com"},
		"prompt": {"select_account"}, "state": {"st"}}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), `value="bob@contoso.onmicrosoft.com"`) ||
		!strings.Contains(string(page), `name="state" value="st"`) {
		t.Fatalf("%d %s", resp.StatusCode, page)
	}
	// prompt=none cannot be honoured without a session: login_required to the redirect URI.
	c := noRedirect(em)
	resp, err = c.Get(fixture.LoginURL("organizations", "authorize") + "?" + url.Values{"client_id": {fixture.AzureCLI},
		"response_type": {"code"}, "redirect_uri": {"http://localhost:5000"}, "scope": {"openid"},
		"code_challenge": {"abc"}, "code_challenge_method": {"S256"}, "prompt": {"none"}, "state": {"st"}}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != 302 || loc.Query().Get("error") != "login_required" || loc.Query().Get("state") != "st" {
		t.Fatalf("prompt=none: %d %v", resp.StatusCode, loc)
	}
}
