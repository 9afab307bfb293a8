package e2e

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// run runs azrepl in dir and returns stdout+stderr and the exit code.
func run(t *testing.T, dir string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "AZREPL_HOME="+filepath.Join(dir, ".azrepl"), "NO_COLOR=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return out.String(), ee.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return out.String(), 0
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// cliCase is one run of azrepl: its arguments, the output wanted and the
// exit code wanted.
type cliCase struct {
	args []string
	want string
	code int
}

// runCases writes files to a fresh folder and runs each case in it; match
// says whether the output agrees with the case's want. It returns the folder.
func runCases(t *testing.T, files map[string]string, match func(out, want string) bool, cases []cliCase) string {
	t.Helper()
	dir := t.TempDir()
	writeFiles(t, dir, files)
	for _, c := range cases {
		out, code := run(t, dir, c.args...)
		if !match(out, c.want) || code != c.code {
			t.Errorf("azrepl %s:\n got %q exit %d\nwant %q exit %d", strings.Join(c.args, " "), out, code, c.want, c.code)
		}
	}
	return dir
}

func equal(out, want string) bool { return out == want }

func TestRunScripts(t *testing.T) {
	dir := runCases(t, map[string]string{
		"app/main.js":     "const lib = require('./lib/math');\nconsole.log(args.length, args.join('+'), '=', lib.sum(args.map(Number)));\n",
		"app/lib/math.js": "exports.sum = (xs) => xs.reduce((a, b) => a + b, 0);\n",
		"app/boom.js":     "// comment\nfunction f() {\n  throw new Error('it broke');\n}\nf();\n",
		"app/syntax.js":   "let ok = 1;\nlet = ;\n",
		"app/coded.js":    "throw Object.assign(new Error('no Graph permission'), {code: 'FORBIDDEN', exitCode: 4});\n",
		"app/exit.js":     "console.log('before'); exit(3); console.log('after');\n",
		"app/escape.js":   "require('../outside.js');\n",
		"outside.js":      "module.exports = 1;\n",
		"app/shebang.js":  "#!/usr/bin/env -S azrepl run\nconsole.log(typeof env.PATH);\n",
		"app/member.js":   "const lib = require('./lib/math');\nlib.summ([1]);\n",
	}, equal, []cliCase{
		{[]string{"run", "app/main.js", "1", "2", "39"}, "3 1+2+39 = 42\n", 0},
		{[]string{"run", "app/boom.js"}, "app/boom.js:3:9: it broke\n", 1},
		{[]string{"run", "app/syntax.js"}, "app/syntax.js:2:7: SyntaxError: Unexpected token ;\n", 1},
		{[]string{"run", "app/coded.js"}, "app/coded.js:1:21: FORBIDDEN: no Graph permission\n", 4},
		{[]string{"run", "app/exit.js"}, "before\n", 3},
		{[]string{"run", "app/missing.js"}, "azrepl: app/missing.js: no such file or directory\n", 2},
		{[]string{"run", "app/shebang.js"}, "string\n", 0},
		{[]string{"run"}, "azrepl: run needs a FILE (azrepl run --help)\n", 2},
		{[]string{"--nope"}, "azrepl: unknown flag --nope (azrepl --help for usage)\n", 2},
		{[]string{"frobnicate"}, "azrepl: unknown command \"frobnicate\" (azrepl --help for usage)\n", 2},
		{[]string{"-e", "[1, 2].map(x => x * 21)"}, "[\n  21,\n  42\n]\n", 0},
		{[]string{"-e", "console.log('only output')"}, "only output\n", 0},
		{[]string{"-e", "q('{\"a\":{\"b\":\"c\"}}', 'a.b')"}, "c\n", 0}, // a string result prints as it is
		{[]string{"-e", "let o = {};\no.a.b"}, "-e:2:5: TypeError: Cannot read property 'b' of undefined\n", 1},
		{[]string{"-e"}, "azrepl: -e needs an expression (azrepl --help for usage)\n", 2},
		// A mistyped member names the one most likely meant, on the same line.
		{[]string{"-e", "graph.gett('/me')"}, "-e:1:11: TypeError: Object has no member 'gett' — did you mean graph.get?\n", 1},
		{[]string{"run", "app/member.js"}, "app/member.js:2:9: TypeError: Object has no member 'summ' — did you mean lib.sum?\n", 1},
	})
	out, code := run(t, dir, "run", "app/escape.js")
	if code != 16 || !strings.Contains(out, "app/escape.js:1:8: REFUSED:") || !strings.Contains(out, "outside the script's folder") {
		t.Errorf("escape: %q %d", out, code)
	}
	out, code = run(t, dir, "--debug", "run", "app/boom.js")
	if code != 1 || !strings.Contains(out, "at f (app/boom.js:3:9") {
		t.Errorf("--debug stack: %q %d", out, code)
	}
}

func TestHelpAndVersion(t *testing.T) {
	out, code := run(t, t.TempDir(), "--help")
	for _, want := range []string{"run FILE [ARGS...]", "-e 'EXPR'", "--emulator", "--debug", "emulate", "version"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("--help lacks %q (exit %d):\n%s", want, code, out)
		}
	}
	out, code = run(t, t.TempDir(), "version")
	if code != 0 || !strings.HasPrefix(out, "azrepl ") || !strings.HasSuffix(strings.TrimSpace(out), ", static)") {
		t.Errorf("version (the tests build azrepl static): %q %d", out, code)
	}
	if flag, code := run(t, t.TempDir(), "--version"); code != 0 || flag != out {
		t.Errorf("--version: %q %d, version: %q", flag, code, out)
	}
}

// Every bundled snippet that runs offline must keep working.
func TestBundledScriptsRun(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	out, code := run(t, root, "run", "scripts/decode-token.js")
	if code != 0 || !strings.Contains(out, `"audience": "https://graph.microsoft.com"`) {
		t.Fatalf("decode-token.js: %q %d", out, code)
	}
	out, code = run(t, t.TempDir(), "-e", `require("azrepl/scripts/decode-token").describe(require("azrepl/scripts/decode-token").SAMPLE).who`)
	if code != 0 || out != "alice@contoso.onmicrosoft.com\n" {
		t.Fatalf("bundled require: %q %d", out, code)
	}
}

// TestAwaitThroughTheBinary: top-level await, timers and rejections in
// -e and run, with their exit codes (the REPL's side is in term_test.go).
func TestAwaitThroughTheBinary(t *testing.T) {
	// A run's output holds what it wants, and never what comes after the end.
	holds := func(out, want string) bool { return strings.Contains(out, want) && !strings.Contains(out, "never") }
	runCases(t, map[string]string{
		"timers.js":   "setTimeout(() => console.log('b'), 20);\nsetTimeout(() => console.log('a'), 10);\nconst v = await delay(5).then(() => 'awaited');\nconsole.log(v);\n",
		"rejected.js": "// line 1\nawait Promise.reject(Object.assign(new Error('gone'), {code: 'NOT_FOUND'}));\n",
		"lost.js":     "Promise.reject(Object.assign(new Error('nobody catches'), {code: 'FORBIDDEN'}));\nsetTimeout(() => console.log('never'), 50);\n",
	}, holds, []cliCase{
		{[]string{"-e", "await delay(5); 6 * 7"}, "42\n", 0},
		{[]string{"-e", "setTimeout(() => console.log('later'), 10); 'now'"}, "now\nlater\n", 0},
		{[]string{"run", "timers.js"}, "awaited\na\nb\n", 0},
		{[]string{"run", "rejected.js"}, "NOT_FOUND: gone", 8},
		{[]string{"run", "lost.js"}, "FORBIDDEN: nobody catches", 4},
		{[]string{"-e", "await Promise.reject(Object.assign(new Error('x'), {code: 'THROTTLED'}))"}, "THROTTLED: x", 9},
	})
}
