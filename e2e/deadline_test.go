package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/internal/hostilenet"
)

// azrepl token, azrepl env and the az shim against a token endpoint that
// answers its headers and then trickles its body forever end on their own,
// within AZREPL_TIMEOUT, with one line (before, they waited forever: the
// commands had no deadline).
func TestTokenCommandEndsOnATricklingEndpoint(t *testing.T) {
	_, env := tokenEnv(t)
	hs := hostilenet.New(t, hostilenet.Trickle(t, 500*time.Millisecond))
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, hs.CAPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	shims := shimDir(t, env)
	env = robustEnv(env, "HTTPS_PROXY="+hs.Proxy.URL, "SSL_CERT_FILE="+ca, "AZREPL_TIMEOUT=2s")
	for _, c := range []struct {
		what string
		argv []string
	}{
		{"azrepl token", []string{bin, "token", "https://graph.microsoft.com", "--force"}},
		{"azrepl env --databricks", []string{bin, "env", "--databricks", "--host", "https://adb-1.7.azuredatabricks.net"}},
		{"the az shim", []string{filepath.Join(shims, "az"), "account", "get-access-token", "--resource", "https://vault.azure.net"}},
	} {
		r := runWithin(t, 90*time.Second, "", env, c.argv...)
		msg := robustOneLineError(t, c.what+" against a trickling token endpoint", r)
		if !strings.Contains(msg, "deadline") && !strings.Contains(msg, "timeout") && !strings.Contains(msg, "Timeout") {
			t.Errorf("%s: the error does not say the time ran out: %q", c.what, msg)
		}
	}
}
