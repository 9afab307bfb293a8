package entra_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/internal/fixture"
)

// A first-party client asking /authorize for a permission it is not
// pre-authorized for is refused before any sign-in, at the redirect URI, as
// Entra does ("Failure passed to redirect url. error=invalid_request
// error_description=AADSTS65002: … error_uri=…?code=65002"). Its
// pre-authorized scopes still get the sign-in page.
func TestAuthorizePreauthorization(t *testing.T) {
	em := startEmulator(t, emulator.Config{Groups: 1})
	c := em.HTTPClient()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	authorize := func(client, scope string) *http.Response {
		t.Helper()
		resp, err := c.Get(fixture.LoginURL("organizations", "authorize") + "?" + url.Values{"client_id": {client},
			"response_type": {"code"}, "redirect_uri": {"http://localhost:8400"}, "scope": {scope + " openid offline_access"},
			"code_challenge": {strings.Repeat("a", 43)}, "code_challenge_method": {"S256"}, "state": {"s1"}}.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	for _, tc := range []struct{ client, scope string }{
		{fixture.AzureCLI, "https://graph.microsoft.com/Mail.Read"},
		{"d3590ed6-52b3-4102-aeff-aad2292ab01c", "https://management.core.windows.net//.default"}, // Office: nothing for ARM
	} {
		resp := authorize(tc.client, tc.scope)
		loc, err := url.Parse(resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusFound || err != nil || loc.Host != "localhost:8400" {
			t.Fatalf("%s %s: %d %v", tc.client, tc.scope, resp.StatusCode, resp.Header.Get("Location"))
		}
		q := loc.Query()
		if q.Get("error") != "invalid_request" || q.Get("state") != "s1" || q.Get("error_uri") != "https://login.microsoftonline.com/error?code=65002" ||
			!strings.HasPrefix(q.Get("error_description"), "AADSTS65002: Consent between first party application '"+tc.client+"' and first party resource '") {
			t.Fatalf("%s %s: redirect %v", tc.client, tc.scope, q)
		}
	}
	// Pre-authorized (or unknown to the resource: /token answers 70011): the sign-in page.
	for _, scope := range []string{"https://graph.microsoft.com/User.ReadWrite.All", "https://graph.microsoft.com/Foo.Bar", "https://graph.microsoft.com/.default", "https://management.core.windows.net//.default"} {
		if resp := authorize(fixture.AzureCLI, scope); resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %v", scope, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
}
