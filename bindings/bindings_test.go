package bindings_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/bindings"
	"github.com/azrepl/azrepl/runtime"
	"github.com/dop251/goja"
)

const doc = `{"value":[{"id":1,"name":"alice","tags":["a"]},{"id":2,"name":"bob","ok":true}],"next":null,"n":1.5}`

func TestQ(t *testing.T) {
	h := newHarness(t, offline())
	cases := map[string]string{
		`q(` + "`" + doc + "`" + `, "value.#.id")`:              `[1,2]`,
		`q(` + "`" + doc + "`" + `, 'value.#(name=="bob").ok')`: `true`,
		`q(` + "`" + doc + "`" + `, "value.0")`:                 `{"id":1,"name":"alice","tags":["a"]}`,
		`q(` + "`" + doc + "`" + `, "n")`:                       `1.5`,
		`q(` + "`" + doc + "`" + `, "next")`:                    `null`,
		`q(` + "`" + doc + "`" + `, "value.1.name")`:            `"bob"`,
		`q(` + "`" + doc + "`" + `, "missing.path")`:            `undefined`,
		`q(` + "`" + doc + "`" + `, "value.#.name|@reverse")`:   `["bob","alice"]`,
		`q({a: {b: [10, 20]}, d: new Date(0)}, "a.b.1")`:        `20`,
		`q({d: new Date(0)}, "d")`:                              `"1970-01-01T00:00:00.000Z"`,
		`Array.isArray(q({a: [1]}, "a"))`:                       `true`,
		`q([1, 2, 3], "#")`:                                     `3`,
		`typeof q('{"x": {"y": 1}}', "x")`:                      `"object"`,
		`q('{"x": {"y": 1}}', "x").y + 1`:                       `2`,
	}
	for src, want := range cases {
		if got := h.js(src); got != want {
			t.Errorf("%s = %s, want %s", src, got, want)
		}
	}
	for _, src := range []string{`q("{not json", "a")`, `q(undefined, "a")`, `q("{}")`} {
		if got := h.jsErr(src); !strings.Contains(got, `"message":"q`) {
			t.Errorf("%s: %s", src, got)
		}
	}
}

func TestJWT(t *testing.T) {
	h := newHarness(t, offline())
	// {"alg":"RS256","kid":"k1"} . {"aud":"https://graph.microsoft.com","exp":1700000000,"roles":["A","B"]}
	tok := "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJhdWQiOiJodHRwczovL2dyYXBoLm1pY3Jvc29mdC5jb20iLCJleHAiOjE3MDAwMDAwMDAsInJvbGVzIjpbIkEiLCJCIl19.c2ln"
	if got := h.js(`jwt("` + tok + `")`); got != `{"header":{"alg":"RS256","kid":"k1"},"claims":{"aud":"https://graph.microsoft.com","exp":1700000000,"roles":["A","B"]}}` {
		t.Fatal(got)
	}
	if got := h.js(`jwt({toString() { return "Bearer ` + tok + `" }}).claims.roles[1]`); got != `"B"` {
		t.Fatal(got)
	}
	if got := h.js(`q(jwt("` + tok + `"), "claims.exp")`); got != `1700000000` {
		t.Fatal(got)
	}
	for _, bad := range []string{"abc", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.bm90LWpzb24.x"} {
		got := h.jsErr(`jwt("` + bad + `")`)
		if !strings.Contains(got, `"code":"NOT_A_JWT"`) || !strings.Contains(got, "not a JWT") {
			t.Errorf("%s: %s", bad, got)
		}
		if strings.Contains(got, bad) {
			t.Errorf("error echoes the token: %s", got)
		}
	}
	if got := h.jsErr(`jwt()`); !strings.Contains(got, "token string is expected") {
		t.Error(got)
	}
}

func TestTypedErrors(t *testing.T) {
	h := newHarness(t, offline())
	cause := errors.New("cause")
	h.rt.Do(func(vm *goja.Runtime) {
		_ = vm.Set("fails", func() {
			bindings.Throw(vm, &bindings.Error{Message: "Insufficient privileges", Code: "FORBIDDEN",
				Status: 403, AADSTS: "AADSTS50105", Hint: "the app lacks Group.Read.All", Err: cause})
		})
		_ = vm.Set("plain", func() (string, error) { return "", errors.New("plain failure") })
	})
	want := `{"name":"Error","message":"Insufficient privileges","code":"FORBIDDEN","status":403,"aadsts":"AADSTS50105","hint":"the app lacks Group.Read.All","exitCode":4}`
	if got := h.jsErr("fails()"); got != want {
		t.Fatalf("got %s", got)
	}
	if got := h.jsErr("plain()"); !strings.Contains(got, `"message":"plain failure"`) {
		t.Fatal(got)
	}
	_, err := h.rt.Eval(context.Background(), "s.js", "\nfails()")
	if msg, code := runtime.Describe(err, false); msg != "s.js:2:6: FORBIDDEN: Insufficient privileges" || code != 4 {
		t.Fatalf("%q %d", msg, code)
	}
	if !errors.Is(err, cause) {
		t.Fatal("the Go cause is lost")
	}
}

func TestRegistryHelp(t *testing.T) {
	for _, name := range []string{"q", "jwt", "console", "require", "args", "env", "exit"} {
		b, ok := bindings.Lookup(name)
		if !ok || !strings.HasPrefix(b.Help, name) {
			t.Errorf("%s: help %q", name, b.Help)
		}
	}
	all := bindings.All()
	for i := 1; i < len(all); i++ {
		if all[i-1].Name >= all[i].Name {
			t.Fatalf("not sorted: %s, %s", all[i-1].Name, all[i].Name)
		}
	}
}
