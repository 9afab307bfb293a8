package bindings_test

import (
	"strings"
	"testing"

	"github.com/azrepl/azrepl/bindings"
	"github.com/dop251/goja"
	"github.com/tidwall/gjson"
)

// FuzzQuery runs hostile gjson paths over hostile bodies the way
// Response.get and q() do: no Go panic ever escapes (only a JS exception
// with a one-line message), and on a valid document every result converts
// to a JS value.
func FuzzQuery(f *testing.F) {
	seeds := [][2]string{
		{`{"value":[{"id":"1","displayName":"a"},{"id":"2"}],"@odata.nextLink":"https://graph.microsoft.com/v1.0/groups?$skiptoken=x"}`, "value.#.id"},
		{`{"value":[{"id":"1"}]}`, `@odata\.nextLink`},
		{`{"users":[{"name":"alice","id":7},{"name":"bob"}]}`, `users.#(name=="alice").id`},
		{`{"a":{"b":[1,2,3]}}`, "a.b|@reverse"},
		{`{"a":"x"}`, "{a,b:a}"},
		{`[1,2,3]`, "@this.#"},
		{`{"a":[{"b":{"c":1}}]}`, "a.#.b.c|@pretty"},
		{`{"a":`, "a"},
		{`<html><body>502 Bad Gateway</body></html>`, "error.message"},
		{`{"a":"\ud800"}`, "a"},
		{`{"a":1e999}`, "a"},
		{`{"a":[`, "a.#(b>1)#"},
		{`{"a":{"a":{"a":{}}}}`, "..a"},
		{`{"k":"v"}`, `@join:{"preserve":true}`},
	}
	for _, s := range seeds {
		f.Add([]byte(s[0]), s[1])
	}
	f.Fuzz(func(t *testing.T, body []byte, path string) {
		rt := goja.New()
		conv, err := bindings.NewJSONConverter(rt)
		if err != nil {
			t.Fatal(err)
		}
		if err := rt.Set("get", func(p string) goja.Value { return conv.Result(bindings.Query(body, p)) }); err != nil {
			t.Fatal(err)
		}
		get, _ := goja.AssertFunction(rt.Get("get"))
		_, err = get(goja.Undefined(), rt.ToValue(path))
		if err == nil {
			return
		}
		ex, ok := err.(*goja.Exception)
		if !ok {
			t.Fatalf("not a JS exception: %T %v", err, err)
		}
		if msg := ex.Value().String(); strings.Contains(msg, "\n") {
			t.Fatalf("exception is not one line: %q", msg)
		}
		if gjson.ValidBytes(body) && !strings.ContainsAny(path, "@!{[") {
			// Plain paths on a valid document always give valid JSON. A '!'
			// makes a gjson literal (!000000 is its text as given, not JSON).
			t.Fatalf("plain path %q on a valid body threw %v", path, ex)
		}
	})
}
