package runtime

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/dop251/goja"
)

// newTestRuntime builds a runtime whose output is captured.
func newTestRuntime(t *testing.T, opts Options) (*Runtime, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	var out, errb bytes.Buffer
	opts.Stdout, opts.Stderr = &out, &errb
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	rt, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rt.Close)
	return rt, &out, &errb
}

// writeFile writes s to p, making p's folders; private, as the credential
// stores a test plants are.
func writeFile(t *testing.T, p, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

func evalString(t *testing.T, rt *Runtime, src string) string {
	t.Helper()
	v, err := rt.Eval(context.Background(), "test", src)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	var s string
	rt.Do(func(*goja.Runtime) { s = v.String() })
	return s
}

func TestCancelInterruptsAndRuntimeStaysUsable(t *testing.T) {
	rt, _, _ := newTestRuntime(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := rt.Eval(ctx, "loop", "while (true) {}")
		done <- err
	}()
	// Cancel only once the loop is certainly running: the env's context is set.
	for rt.Env().Context() == context.Background() {
		// spin until the evaluation started
		select {
		case err := <-done:
			t.Fatalf("loop ended early: %v", err)
		default:
		}
	}
	cancel()
	if err := <-done; !errors.Is(err, ErrInterrupted) {
		t.Fatalf("got %v, want ErrInterrupted", err)
	}
	if got := evalString(t, rt, "6*7"); got != "42" {
		t.Fatalf("after interrupt: %s", got)
	}
}

func TestBindingContextIsCancelledWithEvaluation(t *testing.T) {
	rt, _, _ := newTestRuntime(t, Options{})
	rt.Do(func(vm *goja.Runtime) {
		_ = vm.Set("waitCancel", func() error {
			<-rt.Env().Context().Done() // what an HTTP call would do
			return rt.Env().Context().Err()
		})
	})
	ctx, cancel := context.WithCancel(context.Background())
	rt.Do(func(vm *goja.Runtime) {
		_ = vm.Set("pressCtrlC", func() { cancel() })
	})
	_, err := rt.Eval(ctx, "wait", "pressCtrlC(); try { waitCancel() } catch (e) { 'caught' }")
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("got %v, want ErrInterrupted", err)
	}
}

func TestExitStopsScript(t *testing.T) {
	rt, out, _ := newTestRuntime(t, Options{})
	_, err := rt.Eval(context.Background(), "x", `try { exit(4) } finally { console.log("finally") }; console.log("after")`)
	var ee *ExitError
	if !errors.As(err, &ee) || ee.Code != 4 {
		t.Fatalf("got %v", err)
	}
	if strings.Contains(out.String(), "after") {
		t.Fatalf("script continued: %q", out.String())
	}
}

func TestConsoleArgsEnv(t *testing.T) {
	rt, out, errb := newTestRuntime(t, Options{Args: []string{"a", "b c"}, Environ: []string{"AZ_X=1", "EMPTY="}})
	evalString(t, rt, `console.log("x", 1, {k: [true]}); console.error("bad"); console.warn("w")`)
	if got := out.String(); got != "x 1 {\n  \"k\": [\n    true\n  ]\n}\n" {
		t.Fatalf("stdout %q", got)
	}
	if errb.String() != "bad\nw\n" {
		t.Fatalf("stderr %q", errb.String())
	}
	if got := evalString(t, rt, `args.join("|") + ":" + env.AZ_X + ":" + env.EMPTY + ":" + env.NOPE`); got != "a|b c:1::undefined" {
		t.Fatal(got)
	}
	if got := evalString(t, rt, `"use strict"; (function(){ "use strict"; try { env.AZ_X = "2"; return "written" } catch (e) { return e.name } })()`); got != "TypeError" {
		t.Fatalf("env is writable: %s", got)
	}
}

func TestRequireRelativeConfinedAndBundled(t *testing.T) {
	root := t.TempDir()
	app := filepath.Join(root, "app")
	writeFile(t, filepath.Join(app, "lib", "a.js"), `const b = require("./b"); module.exports = { v: b.v + 1, file: __filename.endsWith("a.js") };`)
	writeFile(t, filepath.Join(app, "lib", "b.js"), `exports.v = 41; exports.count = (exports.count || 0) + 1;`)
	writeFile(t, filepath.Join(app, "data.json"), `{"n": 3}`)
	writeFile(t, filepath.Join(app, "main.js"), `var a = require("./lib/a"); var again = require("./lib/b.js"); var d = require("./data.json");`)
	writeFile(t, filepath.Join(root, "secret.js"), `module.exports = "outside"`)
	if err := os.Symlink(filepath.Join(root, "secret.js"), filepath.Join(app, "link.js")); err != nil {
		t.Fatal(err)
	}

	rt, _, _ := newTestRuntime(t, Options{})
	if _, err := rt.RunFile(context.Background(), filepath.Join(app, "main.js")); err != nil {
		t.Fatal(err)
	}
	if got := evalString(t, rt, `[a.v, a.file, again.count, d.n].join()`); got != "42,true,1,3" {
		t.Fatal(got)
	}
	for spec, want := range map[string]int{"../secret.js": 16, "./link.js": 16, "fs": 2, "azrepl/scripts/../x": 16} {
		writeFile(t, filepath.Join(app, "bad.js"), `require(`+"`"+spec+"`"+`)`)
		_, err := rt.RunFile(context.Background(), filepath.Join(app, "bad.js"))
		if err == nil {
			t.Fatalf("require(%q) succeeded", spec)
		}
		msg, code := Describe(err, false)
		if code != want || !strings.Contains(msg, "bad.js:1:") {
			t.Fatalf("require(%q): %q %d", spec, msg, code)
		}
	}
	if got := evalString(t, rt, `typeof require("azrepl/scripts/decode-token").describe`); got != "function" {
		t.Fatal(got)
	}
}

func TestDescribe(t *testing.T) {
	rt, _, _ := newTestRuntime(t, Options{})
	cases := []struct {
		src, want string
		code      int
	}{
		{"\n  throw new Error('boom')", "t.js:2:9: boom", 1},
		{"throw new TypeError('bad type')", "t.js:1:7: TypeError: bad type", 1},
		// A code of the table picks the status; a script's own code may pick one.
		{"throw Object.assign(new Error('no'), {code: 'FORBIDDEN', exitCode: 5})", "t.js:1:21: FORBIDDEN: no", 4},
		{"throw Object.assign(new Error('no'), {code: 'MINE', exitCode: 42})", "t.js:1:21: MINE: no", 42},
		{"throw {toString(){throw 1}}", "t.js:1:1: uncaught (a value whose toString throws)", 1},
		{"throw {get message(){throw 1}, get code(){throw 2}}", "t.js:1:1: uncaught [object Object]", 1},
		{"throw new Proxy({}, {get(){throw new Error('trap')}})", "t.js:1:1: uncaught (a value whose toString throws)", 1},
		{"throw 'str'", "t.js:1:1: uncaught str", 1},
		// A token thrown, or quoted in a message, is masked like in the trace.
		{"throw {toString(){ return 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJl' }}", "t.js:1:1: uncaught ***", 1},
		{"throw new Error('GET https://u:pw123@h/x?sig=abc')", "t.js:1:7: GET https://u:***@h/x?sig=***", 1},
		{"let x = ;", "t.js:1:9: SyntaxError: Unexpected token ;", 1},
		{"undefinedName + 1", "t.js:1:1: ReferenceError: undefinedName is not defined", 1},
	}
	for _, c := range cases {
		_, err := rt.Eval(context.Background(), "t.js", c.src)
		msg, code := Describe(err, false)
		if msg != c.want || code != c.code {
			t.Errorf("%s: got %q %d, want %q %d", c.src, msg, code, c.want, c.code)
		}
	}
	_, err := rt.Eval(context.Background(), "t.js", "function f() { throw new Error('deep') }\nf()")
	if msg, _ := Describe(err, true); !strings.Contains(msg, "at f (t.js:1:") {
		t.Errorf("debug stack missing: %q", msg)
	}
}

func TestHint(t *testing.T) {
	rt, _, _ := newTestRuntime(t, Options{})
	_, err := rt.Eval(context.Background(), "t.js", "throw Object.assign(new Error('no'), {code: 'FORBIDDEN', hint: 'ask for Group.Read.All'})")
	if got := Hint(err); got != "ask for Group.Read.All" {
		t.Errorf("Hint = %q", got)
	}
	_, err = rt.Eval(context.Background(), "t.js", "throw new Error('plain')")
	if got := Hint(err); got != "" {
		t.Errorf("Hint of a plain error = %q", got)
	}
}

func TestIsIncomplete(t *testing.T) {
	for src, want := range map[string]bool{
		"function f() {": true, "[1,": true, "1 +": true,
		"1 + 1": false, "let = ;": false, "}": false,
	} {
		_, err := Compile("x", src)
		if got := IsIncomplete(err); got != want {
			t.Errorf("%q: IsIncomplete=%v (%v)", src, got, err)
		}
	}
}

func TestDoFromManyGoroutines(t *testing.T) {
	rt, _, _ := newTestRuntime(t, Options{})
	evalString(t, rt, "var n = 0")
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				rt.Do(func(vm *goja.Runtime) { _, _ = vm.RunString("n++") })
			}
		}()
	}
	wg.Wait()
	if got := evalString(t, rt, "n"); got != "400" {
		t.Fatal(got)
	}
}

// A script whose folder holds azrepl's home, the Azure CLI's folder or
// ~/.databrickscfg cannot require them: they hold refresh tokens and secrets.
func TestRequireRefusesCredentialStores(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "home", ".config", "azrepl", "tokens.json"), `{"refresh":"S3KRIT-RT"}`)
	writeFile(t, filepath.Join(dir, "home", ".azure", "msal_token_cache.json"), `{"RefreshToken":"S3KRIT-AZ"}`)
	writeFile(t, filepath.Join(dir, "azcfg", "msal_token_cache.json"), `{"RefreshToken":"S3KRIT-AZ2"}`)
	writeFile(t, filepath.Join(dir, "home", ".databrickscfg"), "module.exports = 'S3KRIT-DB'")
	writeFile(t, filepath.Join(dir, "ok.json"), `{"fine":true}`)
	rt, _, _ := newTestRuntime(t, Options{Dir: dir, Environ: []string{
		"HOME=" + filepath.Join(dir, "home"), "AZREPL_HOME=" + filepath.Join(dir, "home", ".config", "azrepl"),
		"AZURE_CONFIG_DIR=" + filepath.Join(dir, "azcfg")}})
	for _, spec := range []string{"./home/.config/azrepl/tokens.json", "./home/.azure/msal_token_cache.json",
		"./azcfg/msal_token_cache.json", "./home/.databrickscfg"} {
		_, err := rt.Eval(context.Background(), "t.js", `require("`+spec+`")`)
		msg, code := Describe(err, false)
		if code != 16 || !strings.Contains(msg, "REFUSED") || strings.Contains(msg, "S3KRIT") {
			t.Errorf("require(%q): %q %d", spec, msg, code)
		}
	}
	if got := evalString(t, rt, `String(require("./ok.json").fine)`); got != "true" {
		t.Fatal(got)
	}
}
