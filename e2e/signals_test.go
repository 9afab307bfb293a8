package e2e

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A stopped azrepl leaves no secrets behind: `emulate` without --dir keeps
// tenant.json (passwords, secrets), credentials.env and an app's private key
// in a temp folder, and `--emulator` keeps tokens.json (refresh tokens) in a
// temp AZREPL_HOME. Each is removed on SIGINT, SIGTERM and SIGHUP. TMPDIR is
// a fresh folder per case, so "removed" means that folder is empty again.
func TestSignalsRemoveSecretFolders(t *testing.T) {
	cases := map[string]struct {
		args  []string
		ready string // a stdout line that says the secrets are on disk
	}{
		"emulate": {args: []string{"emulate", "--listen", "127.0.0.1:0", "--proxy", "127.0.0.1:0"}, ready: "# azrepl emulator ready"},
		"--emulator run": {
			args:  []string{"--emulator", "run", "wait.js"},
			ready: "signed in",
		},
	}
	for name, c := range cases {
		for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
			t.Run(name+"/"+sig.String(), func(t *testing.T) {
				tmp, work := t.TempDir(), t.TempDir()
				// The script signs in (tokens.json is written) and then waits.
				writeFiles(t, work, map[string]string{"wait.js": `login({flow: "secret"}); token("https://graph.microsoft.com/.default"); console.log("signed in"); sleep(60000)`})
				cmd := exec.Command(bin, c.args...)
				cmd.Dir = work
				cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "AZREPL_HOME="+filepath.Join(work, "home"), "HOME="+work, "NO_COLOR=1")
				stdout, err := cmd.StdoutPipe()
				if err != nil {
					t.Fatal(err)
				}
				var stderr strings.Builder
				cmd.Stderr = &stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				lines := bufio.NewScanner(stdout)
				if !readyLine(lines, c.ready) {
					_ = cmd.Process.Kill()
					_ = cmd.Wait()
					t.Fatalf("no %q line; stderr: %s", c.ready, stderr.String())
				}
				if entries, _ := os.ReadDir(tmp); len(entries) == 0 {
					t.Fatal("nothing was written to TMPDIR: the test would prove nothing")
				}
				go func() { _, _ = io.Copy(io.Discard, stdout) }()
				if err := cmd.Process.Signal(sig); err != nil {
					t.Fatal(err)
				}
				done := make(chan error, 1)
				go func() { done <- cmd.Wait() }()
				select {
				case <-done:
				case <-time.After(30 * time.Second):
					_ = cmd.Process.Kill()
					t.Fatalf("still running 30 s after %v; stderr: %s", sig, stderr.String())
				}
				entries, _ := os.ReadDir(tmp)
				var left []string
				for _, e := range entries {
					left = append(left, e.Name())
				}
				if len(left) > 0 {
					t.Fatalf("after %v, TMPDIR still holds %v; stderr: %s", sig, left, stderr.String())
				}
			})
		}
	}
}

func readyLine(lines *bufio.Scanner, prefix string) bool {
	for lines.Scan() {
		if strings.HasPrefix(lines.Text(), prefix) {
			return true
		}
	}
	return false
}
