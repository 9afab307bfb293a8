package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/internal/testenv"
)

// term is azrepl running in a private tmux server, driven with send-keys and
// read with capture-pane.
type term struct {
	t    *testing.T
	sock string
}

// terms numbers the tmux servers of this test process.
var terms int

// waitLimit bounds how long a test waits for the screen; it is a safety net
// against hangs, not an assertion on speed.
const waitLimit = 15 * time.Second

func startTerm(t *testing.T, home string, extraEnv ...string) *term {
	t.Helper()
	testenv.LookPath(t, "tmux")
	terms++
	tm := &term{t: t, sock: fmt.Sprintf("azrepl-e2e-%d-%d", os.Getpid(), terms)}
	// bash runs azrepl and then prints its exit status on the screen: tmux
	// 3.3 sometimes loses a dead pane's status, and the last line a pane
	// wrote just before it died (so bash lingers after the line). bash survives the Ctrl-Cs
	// meant for azrepl (it waits for a child that did not die of SIGINT).
	cmd := []string{"bash", "-c", `"$@"; echo "[azrepl exited $?]"; sleep 2`, "azrepl",
		"env", "-u", "NO_COLOR", "AZREPL_HOME=" + home, "TERM=xterm-256color"}
	cmd = append(append(cmd, extraEnv...), bin)
	args := append([]string{"-f", "/dev/null", "new-session", "-d", "-s", "main", "-x", "110", "-y", "45"}, cmd...)
	tm.tmux(append(args, ";", "set-option", "-t", "main", "remain-on-exit", "on")...)
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", tm.sock, "kill-server").Run() })
	tm.waitFor("azrepl>")
	return tm
}

func (tm *term) tmux(args ...string) string {
	tm.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", tm.sock}, args...)...).CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %v: %v: %s", args, err, out)
	}
	return string(out)
}

// typeText types literal text (no Enter).
func (tm *term) typeText(s string) { tm.tmux("send-keys", "-t", "main", "-l", s) }

// keys sends named keys: Enter, Tab, Up, C-c, C-d.
func (tm *term) keys(k ...string) { tm.tmux(append([]string{"send-keys", "-t", "main"}, k...)...) }

// line types s and presses Enter.
func (tm *term) line(s string) {
	tm.typeText(s)
	tm.keys("Enter")
}

// enter types input, presses Enter and waits until the screen shows want.
func (tm *term) enter(input, want string) string {
	tm.t.Helper()
	tm.line(input)
	return tm.waitFor(want)
}

func (tm *term) screen() string { return tm.tmux("capture-pane", "-p", "-t", "main") }

// waitUntil polls the screen until ok holds.
func (tm *term) waitUntil(what string, ok func(screen string) bool) string {
	tm.t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		s := tm.screen()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("screen never showed %s:\n%s", what, s)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

func (tm *term) waitFor(sub string) string {
	tm.t.Helper()
	return tm.waitUntil(fmt.Sprintf("%q", sub), func(s string) bool { return strings.Contains(s, sub) })
}

// waitCount waits until sub appears at least n times.
func (tm *term) waitCount(sub string, n int) string {
	tm.t.Helper()
	return tm.waitUntil(fmt.Sprintf("%d× %q", n, sub), func(s string) bool { return strings.Count(s, sub) >= n })
}

// waitExit waits for azrepl to end and checks its exit status.
func (tm *term) waitExit(code int) {
	tm.t.Helper()
	s := tm.waitFor("[azrepl exited ")
	if want := fmt.Sprintf("[azrepl exited %d]", code); !strings.Contains(s, want) {
		tm.t.Fatalf("azrepl did not exit with %d:\n%s", code, s)
	}
}

// lastLine is the last non-empty line of the screen.
func lastLine(screen string) string {
	lines := strings.Split(strings.TrimRight(screen, "\n "), "\n")
	return strings.TrimRight(lines[len(lines)-1], " ")
}

func TestREPLExpressionAndMultiLine(t *testing.T) {
	tm := startTerm(t, t.TempDir())
	tm.enter("6 * 7", "\n42\n")
	tm.enter("function greet(name) {", "...")
	tm.line(`  return {hello: name, n: [1, 2]}`)
	tm.line("}")
	tm.waitCount("azrepl>", 3)
	s := tm.enter(`greet("alice")`, `"hello": "alice"`)
	if !strings.Contains(s, "{\n  \"hello\": \"alice\",\n  \"n\": [\n    1,\n    2\n  ]\n}") {
		t.Fatalf("not indented JSON:\n%s", s)
	}
	tm.enter("_.n.length + 40", "\n42\n")
	// A real syntax error is reported at once, not treated as more input.
	tm.enter("let x = = 1", "<repl>:1:9: SyntaxError: Unexpected token =")
	tm.enter("throw new Error('bad thing')", "<repl>:1:7: bad thing")
}

func TestREPLTabCompletion(t *testing.T) {
	tm := startTerm(t, t.TempDir())
	tm.line("var settings = {tenant: 'contoso', timeout: 5}")
	tm.waitCount("azrepl>", 2)
	tm.typeText("settings.ten")
	tm.keys("Tab")
	tm.waitUntil("completed property", func(s string) bool { return strings.HasSuffix(lastLine(s), "settings.tenant") })
	tm.keys("Enter")
	tm.waitFor("\ncontoso\n")
	tm.typeText("jw")
	tm.keys("Tab")
	tm.waitUntil("completed global", func(s string) bool { return strings.HasSuffix(lastLine(s), "azrepl> jwt") })
}

func TestREPLHistoryUpAndFile(t *testing.T) {
	home := filepath.Join(t.TempDir(), "azhome")
	tm := startTerm(t, home)
	tm.enter("40 + 2", "\n42\n")
	tm.keys("Up")
	tm.waitUntil("recalled line", func(s string) bool { return strings.HasSuffix(lastLine(s), "azrepl> 40 + 2") })
	tm.keys("Enter")
	tm.waitCount("\n42\n", 2)
	jwtLine := `jwt("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.").claims.sub`
	tm.enter(jwtLine, "\nx\n")
	tm.enter(` "hidden" + 1`, "\nhidden1\n")
	tm.line(`var o = {clientSecret: "s3cr3t"}`)
	tm.waitCount("azrepl>", 6)
	tm.keys("C-d")
	tm.waitExit(0)

	for path, want := range map[string]os.FileMode{home: 0o700, filepath.Join(home, "history"): 0o600} {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", path, st.Mode().Perm(), want)
		}
	}
	b, err := os.ReadFile(filepath.Join(home, "history"))
	if err != nil {
		t.Fatal(err)
	}
	hist := string(b)
	if !strings.Contains(hist, "40 + 2\n") {
		t.Errorf("history lacks the plain line:\n%s", hist)
	}
	for _, secret := range []string{"eyJ", "hidden", "s3cr3t"} {
		if strings.Contains(hist, secret) {
			t.Errorf("history holds %q:\n%s", secret, hist)
		}
	}

	// A new REPL recalls the previous session's history.
	tm2 := startTerm(t, home)
	tm2.keys("Up")
	tm2.waitUntil("recalled line", func(s string) bool { return strings.HasSuffix(lastLine(s), "azrepl> 40 + 2") })
}

func TestREPLCtrlC(t *testing.T) {
	tm := startTerm(t, t.TempDir())
	tm.line("while (true) {}")
	// Let the loop start: the prompt must not be back yet.
	time.Sleep(200 * time.Millisecond)
	tm.keys("C-c")
	tm.waitFor("interrupted")
	tm.waitCount("azrepl>", 2)
	tm.enter("1 + 1", "\n2\n")

	// At the prompt Ctrl-C clears the line and pending multi-line input.
	tm.typeText("garbage(")
	tm.keys("C-c")
	tm.waitCount("azrepl>", 4)
	tm.enter("function half() {", "...")
	tm.keys("C-c")
	tm.waitCount("azrepl>", 5)
	s := tm.enter("'still' + ' alive'", "\nstill alive\n")
	if strings.Contains(s, "garbage is not defined") {
		t.Fatalf("Ctrl-C did not clear the line:\n%s", s)
	}
	tm.keys("C-d")
	tm.waitExit(0)
}

func TestREPLDotCommands(t *testing.T) {
	dir := t.TempDir()
	tm := startTerm(t, filepath.Join(dir, "home"))
	tm.enter(".help", "jwt(token)")
	tm.enter(".help q", "gjson path")
	lib := filepath.Join(dir, "lib.js")
	if err := os.WriteFile(lib, []byte("var loaded = 'yes';\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tm.line(".load " + lib)
	tm.enter("loaded", "\nyes\n") // a string result prints as it is, without quotes
	tm.line("var total = 20")
	tm.line("nope()") // fails: not saved
	tm.waitFor("nope is not defined")
	tm.line("total += 1")
	tm.enter("console.log('total', total * 2)", "total 42")
	saved := filepath.Join(dir, "session.js")
	tm.enter(".save "+saved, "saved ")
	tm.line(".exit")
	tm.waitExit(0)

	out, code := run(t, dir, "run", saved)
	if code != 0 || out != "total 42\n" {
		t.Fatalf("replay: code %d, output %q", code, out)
	}
}

func TestREPLColor(t *testing.T) {
	for _, c := range []struct {
		env   []string
		color bool
	}{{nil, true}, {[]string{"NO_COLOR=1"}, false}} {
		tm := startTerm(t, t.TempDir(), c.env...)
		tm.enter(`({name: "x"})`, `"name"`)
		s := tm.tmux("capture-pane", "-e", "-p", "-t", "main")
		if got := strings.Contains(s, "\x1b["); got != c.color {
			t.Errorf("env %v: color=%v\n%q", c.env, got, s)
		}
		_ = exec.Command("tmux", "-L", tm.sock, "kill-server").Run()
	}
}

func TestREPLAwaitAndCtrlCDuringDelay(t *testing.T) {
	tm := startTerm(t, t.TempDir())
	tm.enter("await delay(10); 6 * 7", "\n42\n")
	tm.enter("await Promise.reject(Object.assign(new Error('nope'), {code: 'FORBIDDEN', hint: 'ask an admin'}))", "FORBIDDEN: nope")
	tm.waitFor("hint: ask an admin")
	tm.line("await delay(60000)")
	// Let the wait start: the prompt must not be back yet.
	time.Sleep(200 * time.Millisecond)
	tm.keys("C-c")
	tm.waitFor("interrupted")
	tm.enter("'back' + ' at once'", "\nback at once\n")
	tm.keys("C-d")
	tm.waitExit(0)
}

// The REPL greets in one line, completes dot-commands and namespace
// members without Function.prototype's, answers .help for members, types
// and web globals, and names the global or method a mistyped one most
// likely meant.
func TestREPLHelpCompletionAndSuggestions(t *testing.T) {
	tm := startTerm(t, t.TempDir())
	if s := tm.screen(); !strings.Contains(s, ".help lists the API, Tab completes, Ctrl-D leaves\n") {
		t.Fatalf("no welcome line:\n%s", s)
	}
	tm.typeText(".he")
	tm.keys("Tab")
	tm.waitUntil("completed .help", func(s string) bool { return strings.HasSuffix(lastLine(s), "azrepl> .help") })
	tm.enter("graph.all", "every item of a collection, following @odata.nextLink")
	for name, want := range map[string]string{
		"http.batch": "concurrent, answers (or errors) in order",
		"Response":   "a gjson query on the raw body",
		"atob":       "standard base64",
		"crypto":     "randomUUID",
		"grpah":      `no help for "grpah" — did you mean graph?`,
		"graph.gett": `no help for "graph.gett" — did you mean graph.get?`,
	} {
		tm.enter(".help "+name, want)
	}
	tm.enter("grpah.get('/me')", "ReferenceError: grpah is not defined — did you mean graph?")
	tm.enter("graph.beta.gett('/me')", "TypeError: Object has no member 'gett' — did you mean graph.beta.get?")
	tm.keys("C-l")
	tm.typeText("trace.")
	tm.keys("Tab", "Tab")
	s := tm.waitFor("curl")
	for _, noise := range []string{"apply", "bind", "call"} {
		if strings.Contains(s, noise) {
			t.Errorf("trace.<Tab><Tab> lists %s:\n%s", noise, s)
		}
	}
}
