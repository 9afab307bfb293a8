package bench

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/emulatortest"
)

// BenchmarkTokenEndpoint is the emulator's token endpoint throughput: POSTs
// to login.microsoftonline.com/{tenant}/oauth2/v2.0/token over TLS with
// keep-alive, one at a time (ns/op is one request and its answer).
// client-credentials: reader-app's secret for Graph. refresh-token: alice's
// refresh token (Azure CLI) redeemed for five resources in turn; the
// emulator stops more than 20 identical user token requests a minute
// (AADSTS50196), so a fresh emulator (timer stopped) serves each 100.
func BenchmarkTokenEndpoint(b *testing.B) {
	const perEmulator = 100
	start := func(b *testing.B) (*emulator.Emulator, *http.Client, string) {
		em := emulatortest.Start(b, emulator.Config{Groups: 1})
		return em, em.HTTPClient(), "https://login.microsoftonline.com/" + em.World().TenantID + "/oauth2/v2.0/token"
	}
	post := func(b *testing.B, c *http.Client, u string, form url.Values) map[string]any {
		resp, err := c.PostForm(u, form)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != 200 {
			b.Fatalf("token: %d %v %v", resp.StatusCode, err, body["error_description"])
		}
		return body
	}
	b.Run("client-credentials", func(b *testing.B) {
		em, c, u := start(b)
		app := emulatortest.App(b, em, "reader-app")
		form := url.Values{"grant_type": {"client_credentials"}, "client_id": {app.ClientID},
			"client_secret": {app.ClientSecret}, "scope": {"https://graph.microsoft.com/.default"}}
		for b.Loop() {
			post(b, c, u, form)
		}
	})
	b.Run("refresh-token", func(b *testing.B) {
		scopes := []string{"https://graph.microsoft.com/.default", "https://management.core.windows.net//.default",
			"https://vault.azure.net/.default", "https://storage.azure.com/.default", "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default"}
		var em *emulator.Emulator
		var c *http.Client
		var u, rt string
		fresh := func() {
			if em != nil {
				_ = em.Close() // now, not when b ends: only one emulator at a time
			}
			em, c, u = start(b)
			alice := emulatortest.User(b, em, "alice")
			rt = post(b, c, u, url.Values{"grant_type": {"password"}, "client_id": {"04b07795-8ddb-461a-bbee-02f9e1bf7b46"},
				"username": {alice.Username}, "password": {alice.Password}, "scope": {scopes[0] + " offline_access openid"}})["refresh_token"].(string)
		}
		fresh()
		i := 0
		for b.Loop() {
			if i > 0 && i%perEmulator == 0 {
				b.StopTimer()
				fresh()
				b.StartTimer()
			}
			post(b, c, u, url.Values{"grant_type": {"refresh_token"}, "client_id": {"04b07795-8ddb-461a-bbee-02f9e1bf7b46"},
				"refresh_token": {rt}, "scope": {scopes[i%len(scopes)] + " offline_access openid profile"}, "client_info": {"1"}})
			i++
		}
	})
}
