package runtime

import (
	"context"
	"strings"
	"testing"
)

// An uncaught error whose message came from a server (escape sequences
// included) is one line with the controls shown escaped.
func TestUncaughtErrorLineEscapesControls(t *testing.T) {
	rt, _, _ := newTestRuntime(t, Options{})
	_, err := rt.Eval(context.Background(), "t.js", `throw new Error("denied \x1b]0;pwned\x07\x1b[2J done")`)
	msg, _ := Describe(err, false)
	if strings.ContainsAny(msg, "\x1b\x07") || !strings.Contains(msg, `denied \x1b]0;pwned\x07\x1b[2J done`) {
		t.Errorf("uncaught error line %q", msg)
	}
}
