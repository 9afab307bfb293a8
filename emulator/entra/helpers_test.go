package entra_test

import (
	"context"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/internal/fixture"
	"github.com/golang-jwt/jwt/v5"
)

// startEmulator starts an emulator with a proxy on random ports, closed with the test.
func startEmulator(t *testing.T, cfg emulator.Config) *emulator.Emulator {
	t.Helper()
	if cfg.Proxy == "" {
		cfg.Proxy = "127.0.0.1:0"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	em, err := emulator.Start(ctx, cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = em.Close() })
	return em
}

// claimsOf verifies a token with the emulator key and returns its claims.
func claimsOf(t *testing.T, em *emulator.Emulator, token string) jwt.MapClaims {
	t.Helper()
	return fixture.Verify(t, em.PublicKey(), token)
}

// deviceLogin runs a device code flow with the raw protocol, approving
// through ApproveDevice, and returns the token response.
func deviceLogin(t *testing.T, em *emulator.Emulator, clientID, scope string) map[string]any {
	t.Helper()
	approve := func(userCode string) error { return em.ApproveDevice(userCode, "alice") }
	return fixture.DeviceLogin(t, em.HTTPClient(), approve, clientID, scope)
}
