package bindings_test

import (
	"context"
	"math/rand"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/bindings"
	"github.com/azrepl/azrepl/errcode"
	"github.com/azrepl/azrepl/runtime"
	"github.com/dop251/goja"
)

// sameJS compares a value built by azrepl with JSON.parse's, operation by
// operation: prototypes, Array.isArray, own keys in order, property
// descriptors, Object.is on primitives (-0, NaN), then what scripts do with
// them (JSON.stringify, spread, map/filter, for…of, in, delete, mutation).
const sameJS = `
function same(a, b, path) {
  if (typeof a !== typeof b) throw new Error(path + ": typeof " + typeof a + " vs " + typeof b);
  if (a === null || typeof a !== "object") {
    if (!Object.is(a, b)) throw new Error(path + ": " + String(a) + " vs " + String(b));
    return;
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) throw new Error(path + ": prototype");
  if (Array.isArray(a) !== Array.isArray(b)) throw new Error(path + ": isArray");
  const ka = Reflect.ownKeys(a), kb = Reflect.ownKeys(b);
  if (JSON.stringify(ka) !== JSON.stringify(kb)) throw new Error(path + ": keys " + JSON.stringify(ka) + " vs " + JSON.stringify(kb));
  for (const k of ka) {
    const da = Object.getOwnPropertyDescriptor(a, k), db = Object.getOwnPropertyDescriptor(b, k);
    for (const f of ["writable", "enumerable", "configurable"]) {
      if (da[f] !== db[f]) throw new Error(path + "." + String(k) + ": " + f);
    }
    same(da.value, db.value, path + "." + String(k));
  }
}
function ops(v) {
  const out = [JSON.stringify(v), typeof v, Array.isArray(v)];
  if (v !== null && typeof v === "object") {
    out.push(Object.keys(v), Object.entries(v).length, JSON.stringify({...v}), "id" in v, "__proto__" in v);
    if (Array.isArray(v)) {
      out.push(JSON.stringify([...v]), v.map(x => typeof x), v.filter(x => x !== null).length);
      const seen = []; for (const x of v) seen.push(typeof x); out.push(seen);
      v.push(1); out.push(v.length); v.pop();
    } else {
      const keys = []; for (const k in v) keys.push(k); out.push(keys);
      v.added = 1; delete v.id; out.push(JSON.stringify(v));
    }
  }
  return JSON.stringify(out);
}
function check(text) {
  const mine = q(text, ""), theirs = JSON.parse(text);
  same(mine, theirs, "$");
  const a = ops(mine), b = ops(theirs);
  if (a !== b) throw new Error("ops: " + a + " vs " + b);
  return true;
}
`

// randomJSON writes a random document with the awkward parts of JSON:
// escapes, lone and paired surrogates, non-ASCII, duplicate, empty and
// "__proto__" keys, -0, big and tiny numbers, deep nesting.
func randomJSON(r *rand.Rand, depth int) string {
	k := r.Intn(10)
	if depth > 6 {
		k = r.Intn(6)
	}
	switch k {
	case 0:
		return "null"
	case 1:
		return []string{"true", "false"}[r.Intn(2)]
	case 2:
		return []string{"0", "-0", "1.5", "-12e3", "1e300", "5e-324", "123456789012345678901234567890", "0.1"}[r.Intn(8)]
	case 3, 4, 5:
		return randomString(r)
	case 6, 7:
		n := r.Intn(5)
		parts := make([]string, n)
		for i := range parts {
			parts[i] = randomJSON(r, depth+1)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	n := r.Intn(5)
	parts := make([]string, n)
	for i := range parts {
		key := []string{`"id"`, `"displayName"`, `""`, `"__proto__"`, `"a\"b"`, `"ünï"`, `"1"`, `"constructor"`, `"toString"`}[r.Intn(9)]
		parts[i] = key + ":" + randomJSON(r, depth+1)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func randomString(r *rand.Rand) string {
	pieces := []string{"a", "Grüße", "日本", `\n`, `\"`, `\\`, `\/`, `\u0041`, `\ud83d\ude00`, `\ud800`, `\udfff`, `\uD800x`, "😀", `\u0000`, " ", `\t`}
	var b strings.Builder
	b.WriteByte('"')
	for range r.Intn(6) {
		b.WriteString(pieces[r.Intn(len(pieces))])
	}
	b.WriteByte('"')
	return b.String()
}

func TestJSONConversionMatchesJSONParse(t *testing.T) {
	h := newHarness(t, offline())
	if _, err := h.rt.Eval(context.Background(), "same.js", sameJS); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewSource(14))
	docs := []string{`{"a":1,"a":2,"b":{"a":3},"a":4}`, `{"__proto__":{"x":1}}`, `"\ud800"`, `-0`, `[]`, `{}`, `""`,
		`[[[[[[[[[[1]]]]]]]]]]`, ` { "sp" : [ 1 , 2 ] } `}
	for range 2000 {
		docs = append(docs, randomJSON(r, 0))
	}
	for _, d := range docs {
		if _, err := h.rt.Eval(context.Background(), "t", "check("+jsQuote(d)+")"); err != nil {
			msg, _ := runtime.Describe(err, false)
			t.Fatalf("%s\n%s", d, msg)
		}
	}
}

func jsQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`, "\u2028", `\u2028`, "\u2029", `\u2029`).Replace(s) + "'"
}

// nested is depth arrays inside each other.
func nested(depth int) string { return strings.Repeat("[", depth) + strings.Repeat("]", depth) }

// Nesting at the limit converts; past it, and at 20M levels, every way in
// (q, .json, .get, graph.all) gives one error line with code BAD_JSON
// instead of a fatal stack overflow.
func TestHostileJSONDepth(t *testing.T) {
	deep := nested(20_000_000)
	h := newHarness(t, serving(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/page" {
			_, _ = w.Write([]byte(`{"value":[` + deep + `]}`))
			return
		}
		_, _ = w.Write([]byte(deep))
	})))

	if got := h.js(`q(` + jsQuote(nested(bindings.MaxJSONDepth)) + `, "").length`); got != "1" {
		t.Fatalf("depth %d: %s", bindings.MaxJSONDepth, got)
	}
	u := h.server.URL
	for _, src := range []string{
		`q(` + jsQuote(nested(bindings.MaxJSONDepth+1)) + `, "")`,
		`q("[".repeat(20000000) + "]".repeat(20000000), "")`,
		`http.get("` + u + `/").json`,
		`http.get("` + u + `/").get("0")`,
		`http.get("` + u + `/").get("")`,
		`q(http.get("` + u + `/"), "")`,
		`graph.all("` + u + `/page")`,
	} {
		got := h.jsErr(src)
		if strings.Contains(got, "no error") || !strings.Contains(got, `"code":"BAD_JSON"`) || !strings.Contains(got, "nested deeper than 10000 levels") {
			t.Errorf("%.60s: %s", src, got)
		}
	}
	// The REPL's view and JSON.stringify show the text of such a body.
	if got := h.js(`Object.keys(http.get("` + u + `/"))`); !strings.Contains(got, `"text"`) {
		t.Fatal(got)
	}
}

// Conversion is linear in depth (the old one took 40 s at depth 100k) and
// stops when Ctrl-C cancels the evaluation's context.
func TestJSONConversionDepthAndCancel(t *testing.T) {
	rt := goja.New()
	conv, err := bindings.NewJSONConverter(rt)
	if err != nil {
		t.Fatal(err)
	}
	v, err := conv.Parse(nested(bindings.MaxJSONDepth))
	if err != nil || v.(*goja.Object).ClassName() != "Array" {
		t.Fatalf("%v %v", v, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	conv.SetContext(func() context.Context { return ctx })
	big := "[" + strings.Repeat(`{"id":1,"name":"x"},`, 100_000) + "0]"
	_, err = conv.Parse(big)
	if e, ok := err.(*bindings.Error); !ok || e.Code != errcode.Cancelled {
		t.Fatalf("cancelled conversion: %v", err)
	}
	// A script interrupted while it converts stops at once with CANCELLED.
	rt2 := newHarness(t, offline()).rt
	ctx2, cancel2 := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel2)
	_, err = rt2.Eval(ctx2, "t", `const s = "[" + '{"id":1,"name":"x"},'.repeat(200000) + "0]"; for (;;) q(s, "")`)
	if err == nil {
		t.Fatal("the loop was not interrupted")
	}
}

func BenchmarkJSONConversionDeep(b *testing.B) {
	rt := goja.New()
	conv, _ := bindings.NewJSONConverter(rt)
	doc := nested(bindings.MaxJSONDepth)
	for b.Loop() {
		if _, err := conv.Parse(doc); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzJSONConvert feeds hostile bodies (deep, large, lone surrogates,
// broken) to the converter: never a panic or a crash; a valid document
// converts to what JSON.parse makes of it, an invalid one throws one line.
func FuzzJSONConvert(f *testing.F) {
	for _, s := range []string{`{"a":"\ud800"}`, `"\udfff\ud800"`, nested(MaxFuzzDepth), `[` + nested(10) + `,{"__proto__":1}]`,
		`{"a":1,"a":2}`, `[1e400,-0,5e-324]`, `{"a":[1,2`, `[` + strings.Repeat(`"x",`, 1000) + `1]`, "\xff\xfe", `"\u00e9\\"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		rt, conv := sameRuntime(t)
		mine, err := conv.Parse(string(body))
		parse, _ := goja.AssertFunction(rt.Get("JSON").ToObject(rt).Get("parse"))
		var theirs goja.Value
		var perr error
		if strings.Count(string(body), "[")+strings.Count(string(body), "{") <= bindings.MaxJSONDepth {
			theirs, perr = parse(goja.Undefined(), rt.ToValue(string(body)))
		}
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
			if perr == nil && theirs != nil {
				t.Fatalf("JSON.parse took %q, azrepl refused it: %v", body, err)
			}
			return
		}
		if perr != nil && strings.Contains(perr.Error(), "cannot unmarshal number") {
			return // goja's JSON.parse refuses 1e400; azrepl gives Infinity, as JSON.parse does in browsers
		}
		if perr != nil {
			t.Fatalf("azrepl took %q, JSON.parse refused it: %v", body, perr)
		}
		if theirs == nil {
			return
		}
		same, _ := goja.AssertFunction(rt.Get("same"))
		if _, err := same(goja.Undefined(), mine, theirs, rt.ToValue("$")); err != nil {
			t.Fatalf("%q: %v", body, err)
		}
	})
}

// MaxFuzzDepth is a deep seed that is still within the limit.
const MaxFuzzDepth = 9_000

// Lazy items (what graph.all returns) behave as JSON.parse's objects under
// the same operations, on the same random documents.
func TestLazyItemsMatchJSONParse(t *testing.T) {
	rt, conv := sameRuntime(t)
	_ = rt.Set("lazy", func(s string) goja.Value {
		v, err := conv.Lazy(s)
		if err != nil {
			panic(rt.NewGoError(err))
		}
		return v
	})
	if _, err := rt.RunString(`function checkLazy(text) {
		const mine = lazy(text), theirs = JSON.parse(text);
		same(mine, theirs, "$");
		if (mine.id !== undefined && mine.id === null) {}
		const a = ops(lazy(text)), b = ops(JSON.parse(text));
		if (a !== b) throw new Error("ops: " + a + " vs " + b);
		const m = lazy(text), p = JSON.parse(text);
		for (const k of Object.keys(p)) { if (typeof p[k] === "object" && p[k] !== null && m[k] !== m[k]) throw new Error("identity of " + k) }
		m.z = 1; p.z = 1; delete m[Object.keys(p)[0]]; delete p[Object.keys(p)[0]]; m.again = 2; p.again = 2;
		if (JSON.stringify(m) !== JSON.stringify(p)) throw new Error("after edits: " + JSON.stringify(m) + " vs " + JSON.stringify(p));
		if (JSON.stringify(Object.entries(m)) !== JSON.stringify(Object.entries(p))) throw new Error("entries");
		return true;
	}`); err != nil {
		t.Fatal(err)
	}
	check, _ := goja.AssertFunction(rt.Get("checkLazy"))
	r := rand.New(rand.NewSource(11))
	docs := []string{`{"a":1,"a":2,"b":{"a":3},"a":4}`, `{"__proto__":{"x":1}}`, `{"b":1,"1":2,"0":3,"a":[1]}`, `{}`, `{"":""}`}
	for len(docs) < 2000 {
		if d := randomJSON(r, 0); strings.HasPrefix(d, "{") {
			docs = append(docs, d)
		}
	}
	// Runs of items with the same names share a shape: each document is
	// checked after another with the same names and values, and after
	// others whose names are a prefix, an extension or different.
	shapes := []string{`{"id":"1","n":null,"o":{"a":[1]}}`, `{"id":"2","n":1,"o":{"a":[2]}}`, `{"id":"3","n":2}`,
		`{"id":"4","n":3,"o":{},"x":true}`, `{"id":"5","id":6}`, `{"id":"7","n":4,"o":[]}`, `{}`, `{"id":"8"}`}
	docs = append(shapes, docs...)
	for _, d := range docs {
		if _, err := check(goja.Undefined(), rt.ToValue(d)); err != nil {
			t.Fatalf("%s\n%v", d, err)
		}
	}
}

// sameRuntime is a runtime with sameJS defined and its JSON converter.
func sameRuntime(t *testing.T) (*goja.Runtime, *bindings.JSONConverter) {
	t.Helper()
	rt := goja.New()
	conv, err := bindings.NewJSONConverter(rt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rt.RunString(sameJS); err != nil {
		t.Fatal(err)
	}
	return rt, conv
}
