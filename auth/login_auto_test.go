package auth

import (
	"context"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/emulatortest"
)

// The chain in azidentity's order: the result names the credential used
// and why each earlier one was passed over.
func TestAutoChain(t *testing.T) {
	e := startEmulator(t, emulator.Config{})
	story := emulatortest.App(t, e, "story-app")
	noAz := "AZURE_CONFIG_DIR=" + t.TempDir()
	ctx := context.Background()

	// Managed identity after the environment and workload identity.
	env := envOf(e.ManagedIdentityEnv("appservice"), []string{noAz})
	s := emulatorSession(t, e, env, nil)
	a, err := s.Login(ctx, LoginOptions{Flow: FlowAuto})
	if err != nil {
		t.Fatal(err)
	}
	if a.Flow != FlowManagedIdentity || !strings.HasPrefix(a.Source, "auto: managed identity: endpoint IDENTITY_ENDPOINT=") || len(a.Skipped) != 2 ||
		!strings.Contains(a.Skipped[0], "neither AZURE_CLIENT_SECRET nor AZURE_CLIENT_CERTIFICATE_PATH is set") ||
		!strings.Contains(a.Skipped[1], "AZURE_FEDERATED_TOKEN_FILE is not set") {
		t.Errorf("auto with only managed identity: flow %q source %q skipped %q", a.Flow, a.Source, a.Skipped)
	}

	// The environment's secret comes first.
	env = envOf(e.ManagedIdentityEnv("appservice"), []string{noAz, "AZURE_TENANT_ID=" + e.World().TenantID,
		"AZURE_CLIENT_ID=" + story.ClientID, "AZURE_CLIENT_SECRET=" + story.ClientSecret})
	a, err = emulatorSession(t, e, env, nil).Login(ctx, LoginOptions{Flow: FlowAuto})
	if err != nil {
		t.Fatal(err)
	}
	if a.Flow != FlowSecret || len(a.Skipped) != 0 || a.Source != "auto: environment (AZURE_CLIENT_SECRET / AZURE_CLIENT_CERTIFICATE_PATH): env AZURE_CLIENT_SECRET" {
		t.Errorf("auto with a secret: flow %q source %q skipped %q", a.Flow, a.Source, a.Skipped)
	}

	// Nothing configured: one error naming every step; then azrepl's own
	// cached account (signed in earlier in this home) is the last resort.
	bare := map[string]string{"AZURE_CONFIG_DIR": t.TempDir()}
	s = emulatorSession(t, e, bare, nil)
	_, err = s.Login(ctx, LoginOptions{Flow: FlowAuto})
	if err == nil || strings.Contains(err.Error(), "\n") {
		t.Fatalf("nothing configured: %v", err)
	}
	for _, want := range []string{"environment", "AZURE_FEDERATED_TOKEN_FILE is not set", "managed identity: no endpoint", "Azure CLI (az login): no Azure CLI sign-in found", "azrepl's cached account: no account"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if _, err := s.Login(ctx, LoginOptions{Flow: FlowSecret, Tenant: e.World().TenantID, ClientID: story.ClientID, ClientSecret: story.ClientSecret}); err != nil {
		t.Fatal(err)
	}
	a, err = s.Login(ctx, LoginOptions{Flow: FlowAuto})
	if err != nil {
		t.Fatal(err)
	}
	if a.Flow != FlowSecret || len(a.Skipped) != 4 || !strings.HasPrefix(a.Source, "auto: azrepl's cached account: option clientSecret") {
		t.Errorf("auto from the cache: flow %q source %q skipped %d", a.Flow, a.Source, len(a.Skipped))
	}

	// A configured credential that is refused stops the chain.
	env = map[string]string{"AZURE_CONFIG_DIR": t.TempDir(), "AZURE_TENANT_ID": e.World().TenantID, "AZURE_CLIENT_ID": story.ClientID, "AZURE_CLIENT_SECRET": "wrong-secret-value"}
	_, err = emulatorSession(t, e, env, nil).Login(ctx, LoginOptions{Flow: FlowAuto})
	if err == nil || !strings.Contains(err.Error(), "auto: environment (AZURE_CLIENT_SECRET / AZURE_CLIENT_CERTIFICATE_PATH) is configured but failed") || !strings.Contains(err.Error(), "AADSTS7000215") {
		t.Errorf("refused secret: %v", err)
	}
}
