package entra_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/internal/fixture"
)

// Entra's timing and fields: iat/nbf five minutes back, client credentials 3599 s, the id_token its own hour, no
// refresh_token_expires_in, idp only in app tokens.
func TestTokenTimingAndFields(t *testing.T) {
	em := startEmulator(t, emulator.Config{Groups: 1})
	c, w := em.HTTPClient(), em.World()
	alice := w.User("alice")
	before := time.Now()
	st, body := fixture.PostForm(t, c, fixture.LoginURL(w.TenantID, "token"), url.Values{"grant_type": {"password"}, "client_id": {fixture.AzureCLI},
		"username": {alice.Username}, "password": {alice.Password}, "scope": {"https://graph.microsoft.com/.default openid offline_access"}})
	if st != 200 {
		t.Fatalf("%d %v", st, body)
	}
	if !userLifetime(body["expires_in"]) || body["ext_expires_in"] != body["expires_in"] || body["refresh_token_expires_in"] != nil {
		t.Fatalf("user token: %v", body)
	}
	at := claimsOf(t, em, body["access_token"].(string))
	iat := time.Unix(int64(at["iat"].(float64)), 0)
	if d := before.Sub(iat); d < 4*time.Minute || d > 6*time.Minute || at["nbf"] != at["iat"] || at["idp"] != nil {
		t.Fatalf("access token iat %v (%v before the request), claims %v", iat, d, at)
	}
	id := claimsOf(t, em, body["id_token"].(string))
	if life := id["exp"].(float64) - id["iat"].(float64); life != 3600+300 {
		t.Fatalf("id_token lifetime %v s from iat", life)
	}
	app := worldApp(t, em, "reader-app")
	st, body = fixture.PostForm(t, c, fixture.LoginURL(w.TenantID, "token"), url.Values{"grant_type": {"client_credentials"}, "client_id": {app.ClientID},
		"client_secret": {app.ClientSecret}, "scope": {"https://graph.microsoft.com/.default"}})
	if st != 200 || body["expires_in"] != float64(3599) || claimsOf(t, em, body["access_token"].(string))["idp"] == nil {
		t.Fatalf("client credentials: %d %v", st, body)
	}
}

// userLifetime: Entra's user-token expires_in, 60–90 minutes.
func userLifetime(v any) bool {
	s, ok := v.(float64)
	return ok && s >= 3599 && s <= 5400
}

// User tokens get a random lifetime of 60–90 minutes unless --token-lifetime
// fixes it (then every token, user or app, has that lifetime).
func TestUserTokenLifetimeRandom(t *testing.T) {
	for _, fixed := range []time.Duration{0, time.Hour} {
		em := startEmulator(t, emulator.Config{Groups: 1, TokenLifetime: fixed})
		c, w := em.HTTPClient(), em.World()
		alice := w.User("alice")
		seen := map[float64]bool{}
		for range 8 {
			before := time.Now().Unix()
			st, body := fixture.PostForm(t, c, fixture.LoginURL(w.TenantID, "token"), url.Values{"grant_type": {"password"}, "client_id": {fixture.AzureCLI},
				"username": {alice.Username}, "password": {alice.Password}, "scope": {"https://graph.microsoft.com/.default"}})
			if st != 200 || !userLifetime(body["expires_in"]) {
				t.Fatalf("lifetime %v: %d %v", fixed, st, body)
			}
			in := body["expires_in"].(float64)
			exp := claimsOf(t, em, body["access_token"].(string))["exp"].(float64)
			if exp < float64(before)+in || exp > float64(time.Now().Unix())+in {
				t.Fatalf("exp %v does not match expires_in %v", exp, in)
			}
			seen[in] = true
		}
		if fixed == 0 && len(seen) < 2 || fixed != 0 && (len(seen) != 1 || !seen[3599]) {
			t.Fatalf("lifetime %v: expires_in values %v", fixed, seen)
		}
	}
}
