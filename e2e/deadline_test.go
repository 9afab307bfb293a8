package e2e

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
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
		r := runWithin(t, 90*time.Second, env, c.argv...)
		msg := robustOneLineError(t, c.what+" against a trickling token endpoint", r)
		if !strings.Contains(msg, "deadline") && !strings.Contains(msg, "timeout") && !strings.Contains(msg, "Timeout") {
			t.Errorf("%s: the error does not say the time ran out: %q", c.what, msg)
		}
	}
}

// runWithin runs argv and kills it after limit (then the run failed: a
// hang is the failure, not a timing).
func runWithin(t *testing.T, limit time.Duration, env []string, argv ...string) robustResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%v: still running after %s", argv, limit)
	}
	r := robustResult{stdout: out.String(), stderr: errb.String()}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return r
}
