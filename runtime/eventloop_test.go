package runtime

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dop251/goja"
)

func TestTopLevelAwaitInEval(t *testing.T) {
	rt, _, _ := newTestRuntime(t, Options{})
	cases := []struct{ src, want string }{
		{`await delay(5); 1 + 1`, "2"},
		{`const {a, b: [c]} = await Promise.resolve({a: 1, b: [2]})`, "undefined"},
		{`a + c`, "3"}, // declarations of an awaiting line stay global
		{`async function f(x) { await delay(1); return x * 2 }`, "undefined"},
		{`await f(21)`, "42"},
		{`let n = await f(1); class K { get v() { return n } }; new K().v`, "2"},
		{`Promise.resolve("settled")`, "settled"}, // any Promise value is waited for
		{`(async () => { await delay(1); return "inner" })()`, "inner"},
		{`"no await: " + typeof Promise`, "no await: function"},
		{`(await Promise.resolve({s: 3})).s`, "3"},
		{`const w = (await Promise.resolve(4)), s = ")"`, "undefined"},
		{`let [p, q] = await Promise.all([1, 2].map(async x => x)); w + p + q + s`, "7)"},
		{`g(); async function g() { return await (delay(1)) }`, "undefined"}, // hoisted
		{`typeof g`, "function"},
		// goja ends `new Map()` at "Map": the declaration was cut before "()".
		{`const m = new Map(), d = new Date( 0 ); await delay(1); m.size + d.getTime()`, "0"},
		{`let o = new Object; await delay(1); typeof o`, "object"},
		{`(await Array.fromAsync([delay(1).then(() => 1), 2], x => x * 10)).join()`, "10,20"},
		{`const wr = Promise.withResolvers(); setTimeout(wr.resolve, 1, "resolved"); await wr.promise`, "resolved"},
	}
	for _, c := range cases {
		if got := evalString(t, rt, c.src); got != c.want {
			t.Errorf("%s = %s, want %s", c.src, got, c.want)
		}
	}
	// An awaiting line cut short asks for more input, like any other.
	if _, err := Compile("t", "for (const x of [1]) {\n  await delay(x)"); !IsIncomplete(err) {
		t.Errorf("incomplete awaiting input: %v", err)
	}
	if _, err := Compile("t", "await (1 +"); !IsIncomplete(err) {
		t.Errorf("incomplete await expression: %v", err)
	}
	var se *SyntaxError
	if _, err := Compile("t", "await delay(1) )"); !errors.As(err, &se) {
		t.Errorf("a real syntax error: %v", err)
	}
	// goja has no for await…of: the error says so instead of blaming the user.
	if _, err := Compile("t", "for await (const v of [1]) v"); err == nil || !strings.Contains(err.Error(), "has no for await…of: use for…of with await in the body") {
		t.Errorf("for await: %v", err)
	}
}

func TestRejectionIsTheError(t *testing.T) {
	rt, _, _ := newTestRuntime(t, Options{})
	_, err := rt.Eval(context.Background(), "t", `await Promise.reject(Object.assign(new Error("gone"), {code: "NOT_FOUND", hint: "check the id"}))`)
	msg, code := Describe(err, false)
	if !strings.Contains(msg, "NOT_FOUND: gone") || code != 8 || Hint(err) != "check the id" {
		t.Errorf("rejection: %q exit %d hint %q", msg, code, Hint(err))
	}
	// A Promise rejected with nobody to handle it is an error too.
	_, err = rt.Eval(context.Background(), "t", `Promise.reject(new Error("lost")); 5`)
	if msg, _ := Describe(err, false); !strings.Contains(msg, "lost") {
		t.Errorf("unhandled rejection: %v", err)
	}
	// One handled later in the same turn is not.
	if got := evalString(t, rt, `const p = Promise.reject(new Error("x")); p.catch(() => {}); "fine"`); got != "fine" {
		t.Errorf("handled rejection: %s", got)
	}
}

func TestTimersOrderedAndCancellable(t *testing.T) {
	rt, out, _ := newTestRuntime(t, Options{})
	_, err := rt.Eval(context.Background(), "t", `
		const log = [];
		setTimeout(() => log.push("b"), 20);
		setTimeout(() => log.push("a"), 10);
		setTimeout((x, y) => log.push(x + y), 20, "c", "!");
		const gone = setTimeout(() => log.push("cleared"), 15);
		clearTimeout(gone);
		let n = 0;
		const iv = setInterval(() => { log.push("i" + n); if (++n === 3) clearInterval(iv) }, 1);
		Promise.resolve().then(() => log.push("micro"));
		log.push("sync");`)
	if err != nil {
		t.Fatal(err)
	}
	if err := rt.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := evalString(t, rt, `log.filter(x => !x.startsWith("i")).join(" ") + " | " + log.filter(x => x.startsWith("i")).join(" ")`)
	if want := "sync micro a b c! | i0 i1 i2"; got != want {
		t.Errorf("order: %s, want %s", got, want)
	}
	_ = out
	// A callback that throws is the script's error.
	if _, err := rt.Eval(context.Background(), "t", `setTimeout(() => { throw Object.assign(new Error("late"), {code: "TIMEOUT"}) }, 1)`); err != nil {
		t.Fatal(err)
	}
	if msg, code := Describe(rt.Wait(context.Background()), false); !strings.Contains(msg, "TIMEOUT: late") || code != 12 {
		t.Errorf("timer that throws: %q %d", msg, code)
	}
}

func TestCtrlCCancelsDelaySleepAndTimers(t *testing.T) {
	rt, _, _ := newTestRuntime(t, Options{})
	for _, src := range []string{`await delay(60000)`, `sleep(60000)`, `setTimeout(() => {}, 60000); await new Promise(r => setTimeout(r, 60000))`} {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { _, err := rt.Eval(ctx, "t", src); done <- err }()
		for rt.Env().Context() == context.Background() {
			time.Sleep(time.Millisecond) // until the evaluation runs
		}
		cancel()
		if err := <-done; !errors.Is(err, ErrInterrupted) {
			t.Errorf("%s: %v", src, err)
		}
		// Nothing is left pending: the next script ends at once.
		if err := rt.Wait(context.Background()); err != nil {
			t.Errorf("after %s: %v", src, err)
		}
		if got := evalString(t, rt, "1 + 1"); got != "2" {
			t.Errorf("after %s: %s", src, got)
		}
	}
}

func TestRunFileWaitsForPendingWork(t *testing.T) {
	rt, out, _ := newTestRuntime(t, Options{})
	dir := t.TempDir()
	path := filepath.Join(dir, "s.js")
	src := "setTimeout(() => console.log('later'), 20);\nconst v = await (async () => { await delay(5); return 'awaited' })();\nconsole.log(v);\n"
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := rt.RunFile(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "awaited\nlater\n" {
		t.Errorf("output %q", got)
	}
	if err := os.WriteFile(path, []byte("\n\nawait new Promise((_, reject) => setTimeout(() => reject(Object.assign(new Error('no'), {code: 'FORBIDDEN'})), 1))\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := rt.RunFile(context.Background(), path)
	if msg, code := Describe(err, false); !strings.Contains(msg, "FORBIDDEN: no") || code != 4 {
		t.Errorf("rejected top-level await: %q exit %d", msg, code)
	}
	if err := os.WriteFile(path, []byte("await new Promise(() => {})\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := rt.RunFile(context.Background(), path); err == nil || !strings.Contains(err.Error(), "nothing can settle") {
		t.Errorf("a Promise that never settles: %v", err)
	}
}

func TestBackgroundTimersFireBetweenEvaluations(t *testing.T) {
	rt, out, _ := newTestRuntime(t, Options{Background: true})
	evalString(t, rt, `setTimeout(() => console.log("fired"), 1); 0`)
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(syncString(rt, out), "fired") {
		if time.Now().After(deadline) {
			t.Fatal("the timer never fired at the prompt")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// syncString reads out on the runtime goroutine, which writes it.
func syncString(rt *Runtime, out interface{ String() string }) string {
	var s string
	rt.Do(func(*goja.Runtime) { s = out.String() })
	return s
}

// AbortController and AbortSignal behave as in browsers; AbortSignal.timeout
// fires while the script runs and does not keep it running.
func TestAbortSignals(t *testing.T) {
	rt, _, _ := newTestRuntime(t, Options{})
	cases := []struct{ src, want string }{
		{`{ const c = new AbortController(), seen = []; c.signal.addEventListener("abort", e => seen.push(e.type)); c.signal.addEventListener("abort", () => seen.push("once"), {once: true});
			c.abort(); c.abort(); [c.signal.aborted, c.signal.reason.name, c.signal.reason instanceof DOMException, c.signal.reason instanceof Error, seen.join()].join() }`, "true,AbortError,true,true,abort,once"},
		{`{ const c = new AbortController(); c.abort("why"); c.signal.reason }`, "why"},
		{`{ const s = AbortSignal.abort(); let m; try { s.throwIfAborted() } catch (e) { m = e.name } m }`, "AbortError"},
		{`await (async () => { const s = AbortSignal.timeout(5); await delay(30); return [s.aborted, s.reason.name].join() })()`, "true,TimeoutError"},
		{`{ const a = new AbortController(), s = AbortSignal.any([a.signal, AbortSignal.timeout(60000)]); a.abort("first"); s.reason }`, "first"},
		{`{ let m; try { new AbortSignal() } catch (e) { m = e.name } m }`, "TypeError"},
		{`Object.prototype.toString.call(AbortSignal.abort())`, "[object AbortSignal]"},
	}
	for _, c := range cases {
		if got := evalString(t, rt, c.src); got != c.want {
			t.Errorf("%s = %s, want %s", c.src, got, c.want)
		}
	}
	// A pending AbortSignal.timeout does not keep a script running; a
	// setTimeout does.
	if _, err := rt.Eval(context.Background(), "t", `AbortSignal.timeout(60000); 1`); err != nil {
		t.Fatal(err)
	}
	busy := func() (b bool) { rt.Do(func(*goja.Runtime) { b = rt.ev.busy() }); return b }
	if busy() {
		t.Fatal("a weak timer keeps the script busy")
	}
	if _, err := rt.Eval(context.Background(), "t", `globalThis.tid = setTimeout(() => {}, 60000); 1`); err != nil {
		t.Fatal(err)
	}
	if !busy() {
		t.Fatal("a setTimeout does not keep the script busy")
	}
}

// TestRejectionHasItsPosition: a script ended by a rejected Promise prints
// where it was rejected, also when the reason is not an Error with a stack
// of its own (a string; a rejection in a timer callback).
func TestRejectionHasItsPosition(t *testing.T) {
	dir := t.TempDir()
	for name, src := range map[string]string{
		"string.js":   "\n\nPromise.reject(\"plain\")\n",
		"awaited.js":  "\nawait Promise.reject(42)\n",
		"timer.js":    "\nnew Promise((_, reject) => setTimeout(() => reject('timer'), 1))\n",
		"errorobj.js": "\n\nawait new Promise((_, reject) => setTimeout(() => reject(new Error('obj')), 1))\n",
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
		rt, _, _ := newTestRuntime(t, Options{Dir: dir})
		_, err := rt.RunFile(context.Background(), path)
		msg, code := Describe(err, false)
		if !strings.HasPrefix(msg, path+":") || code != 1 {
			t.Errorf("%s: %q exit %d, want %s:line:col first", name, msg, code, path)
		}
	}
}
