package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator"
)

// Ctrl-C during login() stops the device-code polling (Go work in flight,
// not just JS), promptly, and the REPL goes on. Nobody approves the code:
// the emulator waits for a person at the device login page.
func TestREPLCtrlCCancelsDeviceCodeLogin(t *testing.T) {
	_, env := robustEmulator(t, emulator.Config{})
	home := t.TempDir()
	var extra []string
	for _, kv := range env {
		if strings.HasPrefix(kv, "HTTPS_PROXY=") || strings.HasPrefix(kv, "SSL_CERT_FILE=") || strings.HasPrefix(kv, "NO_PROXY=") {
			extra = append(extra, kv)
		}
	}
	tm := startTerm(t, home, extra...)
	tm.enter("login()", "First copy your one-time code")
	// Cancel while polling: after the first poll (authorization_pending).
	deadline := time.Now().Add(20 * time.Second)
	for countTokenPolls(t, env) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("azrepl never polled the token endpoint")
		}
		time.Sleep(100 * time.Millisecond)
	}
	polled := countTokenPolls(t, env)
	tm.keys("C-c")
	s := tm.waitCount("azrepl>", 2)
	if strings.Contains(s, "alice@") {
		t.Fatalf("signed in although cancelled:\n%s", s)
	}
	tm.enter("accounts().length + 40", "\n40\n")
	// No more polls once cancelled: wait longer than the poll interval.
	time.Sleep(deviceInterval + time.Second)
	if after := countTokenPolls(t, env); after > polled+1 {
		t.Errorf("polling went on after Ctrl-C: %d polls before, %d after", polled, after)
	}
	tm.keys("C-d")
	tm.waitExit(0)
}

// deviceInterval is the emulator's device-code polling interval.
const deviceInterval = 5 * time.Second

// countTokenPolls counts the requests to /token in the emulator's log.
func countTokenPolls(t *testing.T, env []string) int {
	t.Helper()
	n := 0
	for _, e := range robustLog(t, env) {
		if strings.HasSuffix(e.Path, "/oauth2/v2.0/token") {
			n++
		}
	}
	return n
}
