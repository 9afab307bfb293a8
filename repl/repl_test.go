package repl

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/runtime"
)

func TestKeepInHistory(t *testing.T) {
	cases := []struct {
		lines []string
		keep  bool
	}{
		{[]string{"1+1"}, true},
		{[]string{`graph.get("/v1.0/me")`}, true},
		{[]string{" token()"}, false},
		{[]string{`jwt("eyJhbGciOiJub25lIn0.eyJhIjoxfQ.")`}, false},
		{[]string{"login({flow: 'secret',", `  clientSecret: "abc"})`}, false},
		{[]string{`x = {"password": "p"}`}, false},
		{[]string{"body = 'client_secret=abc'"}, false},
		{[]string{"function f() {", "  return 1", "}"}, true},
		// Secrets the first pattern missed.
		{[]string{`databricks({host: h, token: "dapi0123456789abcdef0123456789abcdef"})`}, false},
		{[]string{`http.get("https://a.blob.core.windows.net/c/b?sv=2022-11-02&sig=abc%2Bdef")`}, false},
		{[]string{`http.get(u, {headers: {"X-Api-Key": "k-123"}})`}, false},
		{[]string{`http.get(u, {headers: {Authorization: "Bearer opaque-token-0123"}})`}, false},
		{[]string{`const pat = "dapi0123456789abcdef0123456789abcdef"`}, false},
		{[]string{`login({flow: "workload-identity", tokenFile: "t"})`}, true},
		{[]string{`graph.all("/groups", {max: 5}).map(g => g.displayName)`}, true},
		{[]string{`databricks().token().audience`}, true},
	}
	for _, c := range cases {
		if got := keepInHistory(c.lines); got != c.keep {
			t.Errorf("%q: keep=%v", c.lines, got)
		}
	}
}

func TestOpenHistoryModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "home")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "history")
	if err := os.WriteFile(p, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	h, lines, err := openHistory(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.append([]string{"a", "b"}); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{dir: 0o700, p: 0o600} {
		st, err := os.Stat(path)
		if err != nil || st.Mode().Perm() != want {
			t.Errorf("%s: %v %v", path, st.Mode().Perm(), err)
		}
	}
	b, _ := os.ReadFile(p)
	if string(b) != "old\na\nb\n" || strings.Join(lines, ",") != "old" {
		t.Errorf("%q %q", b, lines)
	}
}

func TestCompleter(t *testing.T) {
	rt := newTestRuntime(t)
	if _, err := rt.Eval(t.Context(), "x", `var calls = 0; var cfg = {alpha: 1, alps: {deep: 2}, beta: 3}; function called() { calls++; return cfg }`); err != nil {
		t.Fatal(err)
	}
	const lexical = `const conf = {gamma: 1}; let counter = 0`
	if _, err := rt.Eval(t.Context(), "y", lexical); err != nil {
		t.Fatal(err)
	}
	c := &completer{rt: rt}
	c.remember(lexical)
	cases := map[string][]string{
		"cfg.al":         {"pha", "ps"},
		"conf.ga":        {"mma"},
		"coun":           {"ter"},
		"x = cfg.alps.d": {"eep"},
		"jw":             {"t"},
		"JSON.stringi":   {"fy"},
		"called().al":    nil,
		"nothing.here.x": nil,
		"cfg.beta.toFix": {"ed"},
		"cfg.hasOwn":     nil,
		// Globals built on first use: completing one builds it.
		"gra":           {"ph"},
		"graph.bet":     {"a"},
		"console.lo":    {"g"},
		"crypto.random": {"UUID"},
	}
	for line, want := range cases {
		got, _ := c.Do([]rune(line), len([]rune(line)))
		var s []string
		for _, g := range got {
			s = append(s, string(g))
		}
		if strings.Join(s, ",") != strings.Join(want, ",") {
			t.Errorf("%q: %q, want %q", line, s, want)
		}
	}
	v, _ := rt.Eval(t.Context(), "x", "calls")
	if v.ToInteger() != 0 {
		t.Fatal("completion called a function")
	}
}

func TestPrepare(t *testing.T) {
	if src, err := prepare("{a: 1}"); err != nil || src != "({a: 1}\n)" {
		t.Errorf("object literal: %q %v", src, err)
	}
	if src, err := prepare("{ let x = 1; x }"); err != nil || strings.HasPrefix(src, "(") {
		t.Errorf("block: %q %v", src, err)
	}
	if _, err := prepare("function f() {"); !runtime.IsIncomplete(err) {
		t.Errorf("incomplete: %v", err)
	}
	if _, err := prepare("let = ;"); err == nil || runtime.IsIncomplete(err) {
		t.Errorf("syntax error: %v", err)
	}
}

// Tab never runs script code: not a getter (throwing or counting), not a
// Proxy trap, not a replaced Object.getOwnPropertyDescriptor; and nothing it
// meets crashes the process.
func TestCompleterRunsNoCode(t *testing.T) {
	rt := newTestRuntime(t)
	src := `var ran = 0;
var g = {get boom() { ran++; throw new Error("getter ran") }, get counted() { ran++; return {inner: 1} }, plain: {inner: 1}};
var p = new Proxy({a: 1}, {get() { ran++; throw 1 }, ownKeys() { ran++; throw 2 }, getPrototypeOf() { ran++; throw 3 },
  getOwnPropertyDescriptor() { ran++; throw 4 }, has() { ran++; throw 5 }});
var holder = {p: p};
Object.getOwnPropertyDescriptor = function() { ran++; throw new Error("replaced") };`
	if _, err := rt.Eval(t.Context(), "x", src); err != nil {
		t.Fatal(err)
	}
	c := &completer{rt: rt}
	for _, line := range []string{"g.boom.", "g.boom.x", "g.counted.in", "p.", "p.a", "holder.p.", "holder.p.a.b", "g.pl"} {
		c.Do([]rune(line), len([]rune(line)))
	}
	if got, _ := c.Do([]rune("g.plain.in"), len("g.plain.in")); len(got) != 1 || string(got[0]) != "ner" {
		t.Errorf("g.plain.in: %q", got)
	}
	v, _ := rt.Eval(t.Context(), "x", "ran")
	if v.ToInteger() != 0 {
		t.Fatalf("completion ran script code %d times", v.ToInteger())
	}
}

// .save leaves out an input with a secret typed inline, with a comment in
// its place, and saves the others, also those typed after it (one decoded
// JWT does not block .save for the rest of the session); env.NAME
// references are fine.
func TestSaveLeavesOutInlineSecrets(t *testing.T) {
	dir := t.TempDir()
	s := &session{inputs: []string{`login({flow: "secret", clientSecret: env.AZURE_CLIENT_SECRET})`}}
	if n, left, err := s.save(filepath.Join(dir, "ok.js")); err != nil || n != 1 || left != 0 {
		t.Fatal(n, left, err)
	}
	for _, in := range []string{`login({clientSecret: "S3KRIT-VALUE-123"})`, `const password = 'hunter2hunter2'`,
		`jwt("eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJl")`} {
		s := &session{inputs: []string{"1 + 1", in, "whoami()"}}
		p := filepath.Join(dir, "out.js")
		n, left, err := s.save(p)
		if err != nil || n != 2 || left != 1 {
			t.Fatalf("%s: saved %d, left %d, %v", in, n, left, err)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		if strings.Contains(text, in) || !strings.Contains(text, "1 + 1\n") || !strings.Contains(text, "whoami()\n") ||
			!strings.Contains(text, "// input 2 left out") {
			t.Errorf("%s: saved\n%s", in, text)
		}
	}
}

// The runtime's stderr in the REPL is readline's writer (newSession wraps
// it with withFdOf); it still tells which file is under it, so paging
// progress (shown only when stderr is a terminal) shows in the REPL as
// with -e. Writes go to readline's writer.
func TestREPLStderrKeepsItsFile(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var through strings.Builder
	w := withFdOf(&through, f)
	got, ok := w.(interface{ Fd() uintptr })
	if !ok || got.Fd() != f.Fd() {
		t.Fatalf("%T does not carry the file descriptor %d", w, f.Fd())
	}
	if _, err := w.Write([]byte("progress")); err != nil || through.String() != "progress" {
		t.Errorf("written to the wrapped writer: %q, %v", through.String(), err)
	}
	if w := withFdOf(&through, &through); w != io.Writer(&through) {
		t.Errorf("a writer without a file comes back as %T", w)
	}
}

// Tab completes dot-commands and .help's names; a function used as a
// namespace (trace) lists its members, not Function.prototype's.
func TestCompleterDotCommandsAndFunctionMembers(t *testing.T) {
	rt := newTestRuntime(t)
	c := &completer{rt: rt}
	complete := func(line string) []string {
		got, _ := c.Do([]rune(line), len([]rune(line)))
		var s []string
		for _, g := range got {
			s = append(s, string(g))
		}
		return s
	}
	for line, want := range map[string]string{
		".he":           "lp ",
		".":             "help ,load ,save ,report ,exit ",
		".r":            "eport ",
		".help gra":     "ph",
		".help clearT":  "imeout",
		".help Respo":   "nse",
		".help graph.a": "ll",
		".load some/fi": "",
		"trace.cu":      "rl",
		"trace.ap":      "",
		"trace.bi":      "",
		"trace.le":      "",
	} {
		if got := strings.Join(complete(line), ","); got != want {
			t.Errorf("%q<Tab>: %q, want %q", line, got, want)
		}
	}
	members := complete("trace.")
	for _, noise := range []string{"apply", "bind", "call", "length", "name", "prototype", "toString"} {
		if slices.Contains(members, noise) {
			t.Errorf("trace.<Tab> lists %s: %v", noise, members)
		}
	}
	for _, want := range []string{"curl", "get", "har", "load"} {
		if !slices.Contains(members, want) {
			t.Errorf("trace.<Tab> lacks %s: %v", want, members)
		}
	}
	for _, d := range dotCommands {
		if !strings.Contains(dotHelp, d+" ") {
			t.Errorf("%s is not in .help's list of commands", d)
		}
	}
}

// newTestRuntime is an offline runtime closed when the test ends.
func newTestRuntime(t *testing.T) *runtime.Runtime {
	t.Helper()
	var out bytes.Buffer
	rt, err := runtime.New(runtime.Options{Stdout: &out, Stderr: &out, Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rt.Close)
	return rt
}

// A mistyped member prints goja's TypeError with the member meant, on its
// one line (no hint line under it); a function typed in an earlier input
// gets it too.
func TestREPLSuggestsMember(t *testing.T) {
	var errw strings.Builder
	s := &session{rt: newTestRuntime(t), out: io.Discard, errw: &errw, comp: &completer{}}
	for _, in := range []string{"graph.gett('/me')", "function f() { return trace.hra() }", "f()"} {
		s.eval(t.Context(), in)
	}
	want := "<repl>:1:11: TypeError: Object has no member 'gett' — did you mean graph.get?\n" +
		"<repl>:1:32: TypeError: Object has no member 'hra' — did you mean trace.har?\n"
	if errw.String() != want {
		t.Errorf("printed:\n%s\nwant:\n%s", errw.String(), want)
	}
}
