package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/emulatortest"
)

// robustEmulator starts an in-process emulator with its CONNECT proxy and
// files in a temporary folder; azrepl children reach it the way a user
// points azrepl at any proxy: HTTPS_PROXY and SSL_CERT_FILE.
func robustEmulator(t *testing.T, cfg emulator.Config) (*emulator.Emulator, []string) {
	t.Helper()
	dir := t.TempDir()
	cfg.Dir, cfg.Proxy = dir, "127.0.0.1:0"
	em := emulatortest.Start(t, cfg)
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "NO_COLOR=1",
		"HTTPS_PROXY=" + em.ProxyURL().String(), "NO_PROXY=localhost,127.0.0.1",
		"SSL_CERT_FILE=" + filepath.Join(dir, "ca.pem"),
	}
	return em, env
}

// robustResult is one azrepl run.
type robustResult struct {
	stdout, stderr string
	code           int
}

// robustRun runs azrepl with env and args, bounded in time.
func robustRun(t *testing.T, env []string, args ...string) robustResult {
	t.Helper()
	return robustRunIn(t, "", env, args...)
}

// robustRunIn is robustRun in the working folder dir ("" = this one).
func robustRunIn(t *testing.T, dir string, env []string, args ...string) robustResult {
	t.Helper()
	return runWithin(t, 90*time.Second, dir, env, append([]string{bin}, args...)...)
}

// runWithin runs argv in dir ("" = this one) with env and kills it after
// limit (then the run failed: a hang is the failure, not a timing).
func runWithin(t *testing.T, limit time.Duration, dir string, env []string, argv ...string) robustResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env, cmd.Dir = env, dir
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	r := robustResult{stdout: out.String(), stderr: errOut.String()}
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("%q still running after %s; stderr: %s", argv, limit, r.stderr)
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return r
}

// readJSON decodes the JSON file at path into v; t fails when it cannot.
func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// robustOneLineError checks a failed run: a non-zero exit and exactly one
// error line on stderr, at most followed by one "  hint: " line, without Go
// panic or goroutine dumps; it returns the error line.
func robustOneLineError(t *testing.T, what string, r robustResult) string {
	t.Helper()
	if r.code == 0 {
		t.Errorf("%s: exit 0, want an error (stdout %q)", what, r.stdout)
	}
	msg, hint, hasHint := strings.Cut(strings.TrimRight(r.stderr, "\n"), "\n")
	if msg == "" || strings.HasPrefix(msg, " ") || hasHint && (!strings.HasPrefix(hint, "  hint: ") || strings.Contains(hint, "\n")) {
		t.Errorf("%s: want one error line (and at most one hint line) on stderr, got %q", what, r.stderr)
	}
	for _, bad := range []string{"goroutine ", "panic", "runtime error", ".go:"} {
		if strings.Contains(r.stderr, bad) {
			t.Errorf("%s: stderr has %q: %s", what, bad, r.stderr)
		}
	}
	return msg
}

// robustEnv returns env with the extra variables.
func robustEnv(env []string, extra ...string) []string {
	return append(append([]string(nil), env...), extra...)
}

// robustLog reads the emulator's requests.log, a JSON line per request,
// from the folder robustEmulator made (SSL_CERT_FILE's).
func robustLog(t *testing.T, env []string) []struct{ Path, Fault string } {
	t.Helper()
	var dir string
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "SSL_CERT_FILE="); ok {
			dir = filepath.Dir(v)
		}
	}
	raw, err := os.ReadFile(filepath.Join(dir, "requests.log"))
	if err != nil {
		t.Fatal(err)
	}
	var entries []struct{ Path, Fault string }
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		var e struct{ Path, Fault string }
		if json.Unmarshal([]byte(line), &e) == nil {
			entries = append(entries, e)
		}
	}
	return entries
}

// robustFaults counts the faults the emulator injected, by kind.
func robustFaults(t *testing.T, env []string) map[string]int {
	t.Helper()
	kinds := map[string]int{}
	for _, e := range robustLog(t, env) {
		if e.Fault != "" {
			kinds[e.Fault]++
		}
	}
	return kinds
}
