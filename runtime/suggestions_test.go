package runtime

import (
	"context"
	"strings"
	"testing"
)

// A call of a missing member names the member most likely meant when the
// object is a global or a dotted path from one; goja's message is kept
// whole otherwise, and when nothing is close.
func TestMemberSuggestions(t *testing.T) {
	rt, _, _ := newTestRuntime(t, Options{})
	const noMember = "TypeError: Object has no member "
	for _, c := range []struct{ src, want string }{
		{`graph.gett("/me")`, "t.js:1:11: " + noMember + "'gett' — did you mean graph.get?"},
		{`trace.hra()`, "t.js:1:10: " + noMember + "'hra' — did you mean trace.har?"},
		{`http.gte("x")`, "t.js:1:9: " + noMember + "'gte' — did you mean http.get?"},
		{`arm.wiat()`, "t.js:1:9: " + noMember + "'wiat' — did you mean arm.wait?"},
		{`graph.beta.bacth([])`, "t.js:1:17: " + noMember + "'bacth' — did you mean graph.beta.batch?"},
		{"graph\n  .gett\n  ('/me')", "t.js:3:3: " + noMember + "'gett' — did you mean graph.get?"},
		{`"é"; graph?.gett()`, "t.js:1:18: " + noMember + "'gett' — did you mean graph.get?"},
		{`JSON.parze("1")`, "t.js:1:11: " + noMember + "'parze' — did you mean JSON.parse?"},
		{"const conf = {alpha() {}, beta: 1};\nconf.alpah()", "t.js:2:11: " + noMember + "'alpah' — did you mean conf.alpha?"},
		// A mistyped global: the ReferenceError's suggestion.
		{`grpah.get("/me")`, "t.js:1:1: ReferenceError: grpah is not defined — did you mean graph?"},
		// Not an azrepl object, or nothing close: goja's message alone.
		{`({a:1}).b()`, "t.js:1:10: " + noMember + "'b'"},
		{`({alpha:1}).alpah()`, "t.js:1:18: " + noMember + "'alpah'"},
		{`graph.zzzzzz()`, "t.js:1:13: " + noMember + "'zzzzzz'"},
		{`graph["gett"]()`, "t.js:1:14: " + noMember + "'gett'"},
		{`({m() { return this.exti() }}).m()`, "t.js:1:25: " + noMember + "'exti'"}, // not globalThis.exit
		// A script's own TypeError of the same words is not goja's.
		{`throw new TypeError("Object has no member 'gett'")`, "t.js:1:7: " + noMember + "'gett'"},
	} {
		_, err := rt.Eval(context.Background(), "t.js", c.src)
		if msg, _ := Describe(err, false); msg != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.src, msg, c.want)
		}
	}
}

// The object is never computed again for a suggestion: a call's result gets
// none (the function ran once, by the script), and a getter or a Proxy on
// the path is not run by azrepl.
func TestMemberSuggestionRunsNoCode(t *testing.T) {
	rt, _, _ := newTestRuntime(t, Options{})
	evalString(t, rt, `var made = 0, reads = 0, traps = 0;
function mk() { made++; return {get() {}} }
Object.defineProperty(globalThis, "lazy", {get() { reads++; return {get() {}} }});
var spy = new Proxy({get() {}}, {ownKeys(t) { traps++; return Reflect.ownKeys(t) },
  getOwnPropertyDescriptor(t, k) { traps++; return Reflect.getOwnPropertyDescriptor(t, k) },
  getPrototypeOf(t) { traps++; return Reflect.getPrototypeOf(t) }});
var holder = {spy: spy}; 1`)
	for src, want := range map[string]string{
		"mk().gett()":       "t.js:1:10: TypeError: Object has no member 'gett'",
		"lazy.gett()":       "t.js:1:10: TypeError: Object has no member 'gett'",
		"spy.gett()":        "t.js:1:9: TypeError: Object has no member 'gett'",
		"holder.spy.gett()": "t.js:1:16: TypeError: Object has no member 'gett'",
	} {
		_, err := rt.Eval(context.Background(), "t.js", src)
		if msg, _ := Describe(err, false); msg != want {
			t.Errorf("%s:\n got %q\nwant %q", src, msg, want)
		}
	}
	// Each ran once, by the script itself; the Proxy's get trap is not
	// defined, so its other traps count every look azrepl would take.
	if got := evalString(t, rt, "[made, reads, traps].join()"); got != "1,1,0" {
		t.Errorf("made, getter reads, traps: %s, want 1,1,0", got)
	}
	// A result kept in a binding is read, not computed.
	_, err := rt.Eval(context.Background(), "t.js", "const kept = mk();\nkept.gett()")
	if msg, _ := Describe(err, false); !strings.HasSuffix(msg, "— did you mean kept.get?") {
		t.Errorf("kept.gett(): %q", msg)
	}
	if got := evalString(t, rt, "made"); got != "2" {
		t.Errorf("mk ran %s times, want 2", got)
	}
}

// A function typed in an earlier REPL input fails at a position in that
// input's text; the suggestion finds it there.
func TestMemberSuggestionInEarlierInput(t *testing.T) {
	rt, _, _ := newTestRuntime(t, Options{})
	if _, err := rt.Eval(context.Background(), "<repl>", "function f() {\n  return trace.hra()\n}"); err != nil {
		t.Fatal(err)
	}
	_, err := rt.Eval(context.Background(), "<repl>", "1 + f()")
	if msg, _ := Describe(err, false); msg != "<repl>:2:19: TypeError: Object has no member 'hra' — did you mean trace.har?" {
		t.Errorf("got %q", msg)
	}
}

// The suggestion names a method, never data: neither a secret value nor a
// key of an object of data (env, a secret used as a key) enters the message.
func TestMemberSuggestionKeepsSecretsOut(t *testing.T) {
	const secret = "S3KRIT-VALUE-123"
	const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJl"
	const pat = "dapi0123456789abcdef0123456789abcdef"
	typo := pat[:len(pat)-1] + "0"
	rt, _, _ := newTestRuntime(t, Options{Environ: []string{"AZURE_CLIENT_SECRET=" + secret}})
	evalString(t, rt, `var cfg = {clientSecret: "`+secret+`", token: "`+jwt+`", rotate() {}}; var vault = {`+pat+`: 1}; 1`)
	for src, want := range map[string]string{
		"env.AZURE_CLIENT_SECRT()": "t.js:1:23: TypeError: Object has no member 'AZURE_CLIENT_SECRT'",
		"cfg.clientSecrt()":        "t.js:1:16: TypeError: Object has no member 'clientSecrt'",
		"cfg.tokn()":               "t.js:1:9: TypeError: Object has no member 'tokn'",
		"cfg.rotat()":              "t.js:1:10: TypeError: Object has no member 'rotat' — did you mean cfg.rotate?",
		"vault." + typo + "()":     "t.js:1:43: TypeError: Object has no member '" + typo + "'",
	} {
		_, err := rt.Eval(context.Background(), "t.js", src)
		msg, _ := Describe(err, false)
		if msg != want || strings.Contains(msg, secret) || strings.Contains(msg, "eyJ") || strings.Contains(msg, pat) {
			t.Errorf("%s:\n got %q\nwant %q", src, msg, want)
		}
	}
}
