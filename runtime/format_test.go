package runtime

import (
	"context"
	"strings"
	"testing"

	"github.com/dop251/goja"
)

type secretThing struct{ token string }

func (s *secretThing) RenderREPL() string { return "Token{aud: graph}" }

func TestFormat(t *testing.T) {
	rt, _, _ := newTestRuntime(t, Options{})
	cases := map[string]string{
		`({a: 1, b: "x<y", c: [true, null], d: {}, e: []})`: "{\n  \"a\": 1,\n  \"b\": \"x<y\",\n  \"c\": [\n    true,\n    null\n  ],\n  \"d\": {},\n  \"e\": []\n}",
		`(function named() {})`:                             "[Function: named]",
		`(() => { const o = {}; o.self = o; return o })()`:  "{\n  \"self\": [Circular]\n}",
		`new Date(0)`: `"1970-01-01T00:00:00.000Z"`,
		`undefined`:   "undefined",
		`10n`:         "10n",
		`({__repl__() { return "custom" }, token: "s3cret"})`: "custom",
		`Object.assign(new Error("m"), {code: "C"})`:          "{\n  \"name\": \"Error\",\n  \"message\": \"m\",\n  \"code\": \"C\"\n}",
	}
	for src, want := range cases {
		v, err := rt.Eval(t.Context(), "f", src)
		if err != nil {
			t.Fatal(err)
		}
		var got string
		rt.Do(func(vm *goja.Runtime) { got = Format(vm, v, false) })
		if got != want {
			t.Errorf("%s:\n got %q\nwant %q", src, got, want)
		}
	}
	var got, colored string
	rt.Do(func(vm *goja.Runtime) {
		got = Format(vm, vm.ToValue(&secretThing{token: "eyJ.secret"}), false)
		v, _ := vm.RunString(`({k: "v"})`)
		colored = Format(vm, v, true)
	})
	if got != "Token{aud: graph}" {
		t.Errorf("Go renderer: %q", got)
	}
	if !strings.Contains(colored, "\x1b[36m\"k\"\x1b[0m") || !strings.Contains(colored, "\x1b[32m\"v\"\x1b[0m") {
		t.Errorf("colors: %q", colored)
	}
}

// The REPL shows the first items of a 100,000-item array and a count; -e and
// run (FormatResult) print all of it.
func TestFormatREPLSummarisesLargeArrays(t *testing.T) {
	rt, _, _ := newTestRuntime(t, Options{})
	v, err := rt.Eval(t.Context(), "f", `Array.from({length: 100000}, (_, i) => ({id: "g" + i}))`)
	if err != nil {
		t.Fatal(err)
	}
	var short, full string
	rt.Do(func(vm *goja.Runtime) {
		short = FormatREPL(vm, v, false)
		full = FormatResult(vm, v, false)
	})
	if !strings.Contains(short, `"id": "g99"`) || strings.Contains(short, `"g100"`) ||
		!strings.HasSuffix(short, "  … 99,900 more: use .length, q() or a loop\n]") {
		t.Fatalf("REPL summary (%d bytes) ends %q", len(short), short[max(0, len(short)-200):])
	}
	if len(short) > 10_000 {
		t.Fatalf("the REPL summary of 100k items is %d bytes", len(short))
	}
	if !strings.Contains(full, `"id": "g99999"`) || strings.Contains(full, "more: use") {
		t.Fatal("FormatResult does not print the whole array")
	}
	if got := thousands(1234567); got != "1,234,567" {
		t.Fatal(got)
	}
}

// Printing a value whose getters, Proxy traps or toString throw gives a
// line, never a panic (the REPL session survives).
func TestFormatHostileValues(t *testing.T) {
	rt, _, _ := newTestRuntime(t, Options{})
	for src, want := range map[string]string{
		`({get x(){ throw new Error("boom") }, y: 1})`:                                                             "[threw: boom]",
		`[1, {get z(){ throw 7 }}]`:                                                                                "[threw: 7]",
		`new Proxy({a: 1}, {get(){ throw new Error("trap") }})`:                                                    "trap",
		`new Proxy({}, {ownKeys(){ throw new Error("keys") }})`:                                                    "keys",
		`({toString(){ throw 1 }, get message(){ throw 2 }})`:                                                      "{",
		`Object.defineProperty(new Error("e"), "extra", {enumerable: true, get(){ throw {toString(){throw 1}} }})`: "[threw:",
	} {
		v, err := rt.Eval(context.Background(), "t.js", "("+src+")")
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		for _, f := range []func(*goja.Runtime, goja.Value, bool) string{Format, FormatResult, FormatREPL} {
			var got string
			rt.Do(func(vm *goja.Runtime) { got = f(vm, v, false) })
			if !strings.Contains(got, want) {
				t.Errorf("%s: printed %q, want %q in it", src, got, want)
			}
		}
	}
	// Runtime.Do survives a JS exception escaping its function.
	v, _ := rt.Eval(context.Background(), "t.js", `({get x(){ throw new Error("escaped") }})`)
	rt.Do(func(vm *goja.Runtime) { v.(*goja.Object).Get("x") })
	if got := evalString(t, rt, `"still alive"`); got != "still alive" {
		t.Fatal(got)
	}
}

// Text from a server may carry terminal escape sequences (a title change, a
// cursor move, an OSC 52 clipboard write): every way a value reaches the
// terminal shows them escaped, with newlines and tabs kept.
func TestPrintingEscapesControlCharacters(t *testing.T) {
	rt, stdout, _ := newTestRuntime(t, Options{})
	const src = `"a\x1b]0;pwned\x07b\x9b2Jc\nd\te"`
	v, err := rt.Eval(context.Background(), "t.js", "("+src+")")
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func(*goja.Runtime, goja.Value, bool) string{"FormatResult": FormatResult, "FormatREPL": FormatREPL} {
		var got string
		rt.Do(func(vm *goja.Runtime) { got = f(vm, v, false) })
		if want := "a\\x1b]0;pwned\\x07b\\x9b2Jc\nd\te"; got != want {
			t.Errorf("%s printed %q, want %q", name, got, want)
		}
	}
	obj, err := rt.Eval(context.Background(), "t.js", "({m: "+src+"})")
	if err != nil {
		t.Fatal(err)
	}
	var got string
	rt.Do(func(vm *goja.Runtime) { got = Format(vm, obj, false) })
	if strings.ContainsAny(got, "\x1b\x07\u009b") {
		t.Errorf("Format left a control character: %q", got)
	}
	if _, err := rt.Eval(context.Background(), "t.js", "console.log("+src+", {m: "+src+"})"); err != nil {
		t.Fatal(err)
	}
	if out := stdout.String(); strings.ContainsAny(out, "\x1b\x07\u009b") || !strings.Contains(out, `a\x1b]0;pwned`) {
		t.Errorf("console.log wrote %q", out)
	}
}

// URL and URLSearchParams print as what they hold (they printed as {}), and
// an edited query shows in the URL.
func TestFormatWebObjects(t *testing.T) {
	rt, _, _ := newTestRuntime(t, Options{})
	v, err := rt.Eval(t.Context(), "f", `{ const u = new URL("https://graph.microsoft.com/v1.0/groups"); u.searchParams.set("$top", "5"); [u, u.searchParams] }`)
	if err != nil {
		t.Fatal(err)
	}
	var got string
	rt.Do(func(vm *goja.Runtime) { got = FormatREPL(vm, v, false) })
	want := "[\n  URL \"https://graph.microsoft.com/v1.0/groups?%24top=5\",\n  URLSearchParams \"%24top=5\"\n]"
	if got != want {
		t.Fatalf("got %s\nwant %s", got, want)
	}
}

// Maps and Sets print their entries as Node does (they printed as {}).
func TestFormatMapsAndSets(t *testing.T) {
	rt, _, _ := newTestRuntime(t, Options{})
	v, err := rt.Eval(t.Context(), "f", `const m = new Map([["a", [1]], [2, new Set(["x"])]]); m.set("self", m); [m, new Set(), Map.groupBy([1, 2, 3], n => n % 2 ? "odd" : "even").get("odd")]`)
	if err != nil {
		t.Fatal(err)
	}
	var got string
	rt.Do(func(vm *goja.Runtime) { got = FormatREPL(vm, v, false) })
	want := `[
  Map(3) {
    "a" => [
      1
    ],
    2 => Set(1) {
      "x"
    },
    "self" => [Circular]
  },
  Set(0) {},
  [
    1,
    3
  ]
]`
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}
