package emulator

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/fixture"
	"github.com/golang-jwt/jwt/v5"
)

// startEmulator starts an emulator with a proxy on random ports, closed with the test.
func startEmulator(t *testing.T, cfg Config) *Emulator {
	t.Helper()
	if cfg.Proxy == "" {
		cfg.Proxy = "127.0.0.1:0"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	em, err := Start(ctx, cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = em.Close() })
	return em
}

// claimsOf verifies a token with the emulator key and returns its claims.
// readerToken is reader-app's Graph token (client credentials).
func readerToken(t *testing.T, em *Emulator) string {
	t.Helper()
	w := em.World()
	app := w.Apps[slices.IndexFunc(w.Apps, func(a App) bool { return a.Name == "reader-app" })]
	st, tok := fixture.PostForm(t, em.HTTPClient(), fixture.LoginURL(w.TenantID, "token"), url.Values{"grant_type": {"client_credentials"},
		"client_id": {app.ClientID}, "client_secret": {app.ClientSecret}, "scope": {"https://graph.microsoft.com/.default"}})
	if st != 200 {
		t.Fatalf("token: %d %v", st, tok)
	}
	return tok["access_token"].(string)
}

func claimsOf(t *testing.T, em *Emulator, token string) jwt.MapClaims {
	t.Helper()
	return fixture.Verify(t, em.PublicKey(), token)
}

// deviceLogin runs a device code flow with the raw protocol, approving
// through ApproveDevice, and returns the token response.
func deviceLogin(t *testing.T, em *Emulator, clientID, scope string) map[string]any {
	t.Helper()
	approve := func(userCode string) error { return em.ApproveDevice(userCode, "alice") }
	return fixture.DeviceLogin(t, em.HTTPClient(), approve, clientID, scope)
}

// noRedirect is the emulator's client that shows redirects instead of following them.
func noRedirect(em *Emulator) *http.Client {
	c := em.HTTPClient()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}
