package runtime

import (
	"strings"
	"testing"
)

// The global JSON.parse of input nested a million deep throws a one-line
// BAD_JSON error (as Response.json does) instead of a fatal stack overflow
// that ends the process; ordinary parsing, revivers and errors are JSON's.
func TestJSONParseDepthLimit(t *testing.T) {
	rt, _, _ := newTestRuntime(t, Options{})
	got := evalString(t, rt, `(() => {
		const deep = "[".repeat(1000000) + "]".repeat(1000000);
		let thrown;
		try { JSON.parse(deep) } catch (e) { thrown = e.code + ": " + e.message }
		const ok = JSON.parse('{"a":[1,{"b":2}]}', (k, v) => k === "b" ? v * 10 : v).a[1].b;
		let syntax;
		try { JSON.parse("{bad") } catch (e) { syntax = e.name }
		return [thrown, ok, syntax, JSON.parse.name, JSON.parse.length].join(" | ");
	})()`)
	if !strings.HasPrefix(got, "BAD_JSON: JSON nested deeper than 10000 levels") || !strings.HasSuffix(got, " | 20 | SyntaxError | parse | 2") {
		t.Errorf("got %q", got)
	}
}
