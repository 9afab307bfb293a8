package bindings

import (
	"testing"

	"github.com/dop251/goja"
	"github.com/tidwall/gjson"
)

// The converter builds the same values as JSON.parse (compared through
// JSON.stringify), and a "__proto__" member stays a plain property.
func TestParseMatchesJSONParse(t *testing.T) {
	rt := goja.New()
	conv, err := NewJSONConverter(rt)
	if err != nil {
		t.Fatal(err)
	}
	stringify, _ := goja.AssertFunction(rt.Get("JSON").ToObject(rt).Get("stringify"))
	parse, _ := goja.AssertFunction(rt.Get("JSON").ToObject(rt).Get("parse"))
	for _, src := range []string{
		`null`, `true`, `0`, `-1.5e3`, `12345678901234567890`, `"a\"b\\c\u00e9\n"`, `[]`, `{}`,
		`[1,"2",[3,{"4":null}],false]`,
		`{"b":1,"a":2,"1":"x","0":"y","nested":{"k":[{"deep":true}]},"empty":"","u":"\u2603"}`,
		`{"a":1,"a":2}`,
		` { "spaced" : [ 1 , 2 ] } `,
		`{"value":[{"id":"1","displayName":"G","groupTypes":[],"mail":null}],"@odata.nextLink":"https://graph.microsoft.com/v1.0/groups?$skiptoken=x"}`,
	} {
		got, err := conv.Parse(src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		want, err := parse(goja.Undefined(), rt.ToValue(src))
		if err != nil {
			t.Fatalf("%s: JSON.parse: %v", src, err)
		}
		g, _ := stringify(goja.Undefined(), got)
		w, _ := stringify(goja.Undefined(), want)
		if g.String() != w.String() {
			t.Errorf("%s: got %s, JSON.parse gives %s", src, g, w)
		}
	}
	v, err := conv.Parse(`{"__proto__":{"polluted":true}}`)
	if err != nil {
		t.Fatal(err)
	}
	o := v.ToObject(rt)
	if p := o.Get("polluted"); p != nil && !goja.IsUndefined(p) {
		t.Error(`a "__proto__" member became the prototype`)
	}
	if keys := o.Keys(); len(keys) != 1 || keys[0] != "__proto__" {
		t.Errorf("keys = %v, want the own property __proto__", keys)
	}
	if _, err := conv.Parse(`{"a":`); err == nil {
		t.Error("invalid JSON parsed")
	}
	// Array: the items of a page, without parsing the page again.
	page := []byte(`{"value":[{"id":"1"},{"id":"2","n":[3]}],"@odata.nextLink":"x"}`)
	arr, err := conv.Array(page, gjson.GetBytes(page, "value").Array())
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := stringify(goja.Undefined(), arr); s.String() != `[{"id":"1"},{"id":"2","n":[3]}]` {
		t.Errorf("Array = %s", s)
	}
	if _, err := conv.Array([]byte(`{"value":[{"id":"1"}`), nil); err == nil {
		t.Error("Array accepted a truncated page")
	}
}
