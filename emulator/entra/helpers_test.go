package entra_test

import (
	"testing"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/emulatortest"
	"github.com/azrepl/azrepl/emulator/internal/fixture"
	"github.com/golang-jwt/jwt/v5"
)

// startEmulator starts an emulator with a proxy on random ports, closed with the test.
func startEmulator(t *testing.T, cfg emulator.Config) *emulator.Emulator {
	t.Helper()
	return emulatortest.Start(t, cfg)
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
