package emulator

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The Azure CLI (Debian's azure-cli 2.45, MSAL Python) through the CONNECT
// proxy, believing it talks to the public cloud.
//
// What az sent that the emulator did not expect at first (requests.log of a
// run): the device-code poll carries no scope (the emulator remembers it from
// /devicecode) but sends the device code twice (device_code and code) plus
// claims (CP1) and client_info; az polls at the 5 s interval, so no slow_down.
// After login az fetches the tenant-specific discovery document and redeems
// the refresh token at /{tenant-guid}/oauth2/v2.0/token with
// X-AnchorMailbox: Oid:<oid>@<tid>, once for ARM /subscriptions and once per
// get-access-token. az also tries CONNECT azure.microsoft.com:443 (its version
// check); the proxy refuses it with 403 and az carries on.
func TestAzureCLI(t *testing.T) {
	az := requireBinary(t, "az")
	dir := t.TempDir()
	em := startEmulator(t, Config{Dir: dir, ApproveAfter: 500 * time.Millisecond})
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "AZURE_CONFIG_DIR=" + filepath.Join(dir, "az"),
		"REQUESTS_CA_BUNDLE=" + filepath.Join(dir, "ca-bundle.pem"), "HTTPS_PROXY=" + em.ProxyURL().String(),
		"NO_PROXY=localhost,127.0.0.1", "AZURE_CORE_COLLECT_TELEMETRY=false", "AZURE_CORE_NO_COLOR=true",
	}
	run := func(args ...string) []byte {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, az, args...)
		cmd.Env = env
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("az %s: %v\nstderr: %s", strings.Join(args, " "), err, stderr.String())
		}
		return out
	}
	run("config", "set", "core.collect_telemetry=false")
	var accounts []map[string]any
	if err := json.Unmarshal(run("login", "--use-device-code", "--allow-no-subscriptions"), &accounts); err != nil || len(accounts) == 0 {
		t.Fatalf("az login output: %v %v", accounts, err)
	}
	alice := em.World().User("alice")
	if u, _ := accounts[0]["user"].(map[string]any); accounts[0]["tenantId"] != em.World().TenantID || u["name"] != alice.Username {
		t.Errorf("az login account %v", accounts[0])
	}
	for _, tc := range []struct {
		args []string
		aud  string
	}{
		{[]string{"--scope", "https://graph.microsoft.com/.default"}, "https://graph.microsoft.com"},
		{[]string{"--resource", "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d"}, "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d"},
	} {
		var tok map[string]any
		if err := json.Unmarshal(run(append([]string{"account", "get-access-token"}, tc.args...)...), &tok); err != nil {
			t.Fatal(err)
		}
		at, _ := tok["accessToken"].(string)
		if c := claimsOf(t, em, at); c["aud"] != tc.aud || c["upn"] != alice.Username {
			t.Errorf("get-access-token %v: claims %v", tc.args, c)
		}
	}
	var groups map[string]any
	if err := json.Unmarshal(run("rest", "--url", "https://graph.microsoft.com/v1.0/groups"), &groups); err != nil {
		t.Fatal(err)
	}
	if v, _ := groups["value"].([]any); len(v) == 0 || v[0].(map[string]any)["displayName"] != em.World().Group(0).DisplayName {
		t.Errorf("az rest /groups: %.300v", groups)
	}
}
