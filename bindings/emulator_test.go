package bindings_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/errcode"
)

// emulator.revoke("alice") with --emulator: Graph then answers her old token
// with its insufficient_claims challenge, graph.get throws
// INTERACTION_REQUIRED naming the login to run, and after that login Graph
// works again.
func TestEmulatorRevokeBinding(t *testing.T) {
	h := newHarness(t, commandLine())
	h.run("login()")
	old := h.run(`token("` + authGraphScope + `").token`)
	if got := h.run(`graph.get("/me").json.displayName`); got != "Alice Smith" {
		t.Fatalf("/me before: %q", got)
	}
	if got := h.js(`emulator.revoke("alice")`); got != "undefined" {
		t.Fatalf("emulator.revoke returned %s", got)
	}
	// Her old (CP1) token now meets Graph's CAE challenge.
	req, _ := http.NewRequest("GET", "https://graph.microsoft.com/v1.0/me", nil)
	req.Header.Set("Authorization", "Bearer "+old)
	resp, err := h.svc.Emulator.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if wa := resp.Header.Get("WWW-Authenticate"); resp.StatusCode != 401 || !strings.Contains(wa, `error="insufficient_claims"`) || !strings.Contains(wa, `claims="`) {
		t.Fatalf("Graph after revoke: %d %q", resp.StatusCode, wa)
	}
	e := h.thrown(`graph.get("/me")`)
	msg, _ := e["message"].(string)
	if e["code"] != errcode.InteractionRequired || !strings.Contains(msg, `run login({flow: "device"}) again`) || strings.ContainsAny(msg, "\r\n") {
		t.Fatalf("graph.get after revoke threw %v", e)
	}
	h.run("login()")
	if got := h.run(`graph.get("/me").json.displayName`); got != "Alice Smith" {
		t.Fatalf("/me after the new login: %q", got)
	}
	// Bad input: one line, BAD_ARGUMENT.
	for src, want := range map[string]string{`emulator.revoke("nobody")`: `no user "nobody"`, `emulator.revoke()`: "a user name"} {
		if e := h.thrown(src); e["code"] != errcode.BadArgument || !strings.Contains(e["message"].(string), want) {
			t.Fatalf("%s threw %v", src, e)
		}
	}
}

// Without --emulator there is no emulator global.
func TestEmulatorBindingOnlyWithEmulator(t *testing.T) {
	for _, h := range []*harness{newHarness(t, offline()), newHarness(t)} {
		if got := h.run(`typeof emulator`); got != "undefined" {
			t.Fatalf("typeof emulator = %s", got)
		}
	}
}
