package entra_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/entra"
	"github.com/azrepl/azrepl/emulator/internal/fixture"
)

// The same user token request more than 20 times in a minute is a client
// request loop: AADSTS50196 (400 invalid_grant, terminal) in Entra's
// envelope. Another scope, or client credentials, are not part of that loop.
func TestRequestLoopIs50196(t *testing.T) {
	em := startEmulator(t, emulator.Config{Groups: 1})
	c, w := em.HTTPClient(), em.World()
	alice := w.User("alice")
	form := func(scope string) url.Values {
		return url.Values{"grant_type": {"password"}, "client_id": {fixture.AzureCLI}, "username": {alice.Username},
			"password": {alice.Password}, "scope": {scope}}
	}
	const graph = "https://graph.microsoft.com/.default openid"
	for i := range entra.LoopLimit {
		if st, body := fixture.PostForm(t, c, fixture.LoginURL(w.TenantID, "token"), form(graph)); st != 200 {
			t.Fatalf("request %d: %d %v", i+1, st, body)
		}
	}
	// The same scopes in another order are the same request.
	st, body := fixture.PostForm(t, c, fixture.LoginURL(w.TenantID, "token"), form("openid https://graph.microsoft.com/.default"))
	fixture.WantEntraError(t, st, body, 400, "invalid_grant", 50196)
	if !strings.Contains(body["error_description"].(string), "encountered a client request loop") {
		t.Fatalf("50196 text: %v", body["error_description"])
	}
	if st, body := fixture.PostForm(t, c, fixture.LoginURL(w.TenantID, "token"), form("https://management.core.windows.net//.default")); st != 200 {
		t.Fatalf("another scope: %d %v", st, body)
	}
	app := worldApp(t, em, "reader-app")
	for range entra.LoopLimit + 5 {
		st, body := fixture.PostForm(t, c, fixture.LoginURL(w.TenantID, "token"), url.Values{"grant_type": {"client_credentials"}, "client_id": {app.ClientID},
			"client_secret": {app.ClientSecret}, "scope": {"https://graph.microsoft.com/.default"}})
		if st != 200 {
			t.Fatalf("client credentials: %d %v", st, body)
		}
	}
}
