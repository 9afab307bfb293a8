package bindings_test

import (
	"strings"
	"testing"
)

// Small things a new user met on a first afternoon, each as it should be.

// TestWhoamiBeforeLogin: whoami() with nobody signed in is an error a script
// and the shell see (UNAUTHENTICATED, exit 3, a hint naming login()), not a
// null printed with exit status 0.
func TestWhoamiBeforeLogin(t *testing.T) {
	h := newHarness(t, commandLine())
	e := h.thrown(`whoami()`)
	if e["code"] != "UNAUTHENTICATED" || e["exitCode"] != 3.0 || !strings.Contains(e["hint"].(string), "login()") {
		t.Fatalf("whoami() before login: %v", e)
	}
	h.run(`login({flow: "secret"})`)
	if got := h.run(`whoami().flow`); got != "secret" {
		t.Fatalf("whoami().flow after login = %v", got)
	}
}

// TestErrorNamesTheServiceThatAnswered: a Graph call sent with an ARM
// token ({scope} overridden) is refused by Graph, and the message says so.
func TestErrorNamesTheServiceThatAnswered(t *testing.T) {
	h := newHarness(t, commandLine())
	h.run(`login({flow: "secret"})`)
	e := h.thrown(`graph.get("/me", {scope: "https://management.azure.com/.default"})`)
	if msg := e["message"].(string); !strings.HasPrefix(msg, "graph: 401") {
		t.Fatalf("message %q, want it to start with graph: 401", msg)
	}
}

// TestDatabricksFlowIsTheOneUsed: databricks().flow names the flow the
// default order picked (m2m with the emulator's service principal), or the
// one asked for.
func TestDatabricksFlowIsTheOneUsed(t *testing.T) {
	h := newHarness(t, commandLine())
	if got := h.run(`databricks().flow`); got != "m2m" {
		t.Fatalf("databricks().flow = %q, want m2m", got)
	}
	if got := h.run(`databricks({flow: "M2M"}).flow`); got != "m2m" {
		t.Fatalf(`databricks({flow: "M2M"}).flow = %q, want m2m`, got)
	}
}

// TestBadPATIsNamed: a personal access token the workspace does not know
// is one status in the message, and the hint is about the token, not about
// workspace permissions.
func TestBadPATIsNamed(t *testing.T) {
	h := newHarness(t, commandLine())
	e := h.thrown(`databricks({flow: "pat", token: "dapi0123456789abcdef"}).get("/api/2.0/clusters/list")`)
	msg, hint := e["message"].(string), e["hint"].(string)
	if !strings.HasPrefix(msg, "databricks: 403: Invalid access token.") || e["code"] != "FORBIDDEN" {
		t.Fatalf("message %q (%v)", msg, e["code"])
	}
	if !strings.Contains(hint, "personal access token") || strings.Contains(hint, "permission") {
		t.Fatalf("hint %q", hint)
	}
}

// TestSignInHintOnce: an Entra error's hint is its own field, not also the
// end of the message (the REPL prints the message, then the hint).
func TestSignInHintOnce(t *testing.T) {
	h := newHarness(t, commandLine())
	e := h.thrown(`login({flow: "secret", clientSecret: "not-the-secret"})`)
	msg, hint := e["message"].(string), e["hint"].(string)
	if e["code"] != "INVALID_CLIENT" || hint == "" || strings.Contains(msg, hint) {
		t.Fatalf("message %q, hint %q", msg, hint)
	}
}

// TestMistypedScopeGetsDidYouMean: a misspelt service name or Graph
// permission gets the scope meant, for a user and for an app, not the
// generic "one resource at a time".
func TestMistypedScopeGetsDidYouMean(t *testing.T) {
	h := newHarness(t, commandLine())
	h.run(`login()`)
	for src, want := range map[string]string{
		`token("User.Reed")`: "did you mean User.Read?",
		`token("grpah")`:     `token("https://graph.microsoft.com/.default")`,
	} {
		e := h.thrown(src)
		if hint, _ := e["hint"].(string); !strings.Contains(hint, want) || strings.Contains(hint, "one resource at a time") {
			t.Errorf("user: %s: hint %q, want %q in it", src, hint, want)
		}
	}
	h.run(`login({flow: "secret"})`)
	for src, want := range map[string]string{
		`token("grpah")`: `token("https://graph.microsoft.com/.default")`,
		`token("https://graph.microsoft.com/User.Reed")`: "did you mean User.Read?",
	} {
		e := h.thrown(src)
		if hint, _ := e["hint"].(string); !strings.Contains(hint, want) || strings.Contains(hint, "one resource at a time") {
			t.Errorf("app: %s: hint %q, want %q in it", src, hint, want)
		}
	}
}
