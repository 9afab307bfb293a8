package bindings

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"

	"github.com/azrepl/azrepl/httpx"
	"github.com/azrepl/azrepl/internal/suggest"
	"github.com/dop251/goja"
)

// Options objects of every binding are read here, into typed Go structs, so
// that a typo ({hedaers: …}) or a wrong type is one BAD_ARGUMENT error naming
// the valid keys instead of an option silently ignored.
//
// A struct field takes part when it has an `opt:"name"` tag; anonymous
// embedded structs add their fields (listOptions embeds requestOptions).
// Supported field types: string, bool, *bool, int, float64, []string (a
// string or an array of strings), map[string]string (an object whose values
// are turned into strings), goja.Value (anything) and *goja.Object.

// DecodeOptions reads v (undefined or null: nothing to read) into dst, a
// pointer to an options struct. fn names the call in errors, e.g.
// "http.get(url, opts)".
func DecodeOptions(rt *goja.Runtime, fn string, v goja.Value, dst any) error {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return nil
	}
	fields := optionFields(reflect.TypeOf(dst).Elem())
	obj, ok := v.(*goja.Object)
	if !ok || obj.ClassName() == "Array" || obj.ClassName() == "Function" {
		return optionError(fn, fmt.Sprintf("options must be an object with keys among %s, not %s", keyList(fields), typeName(v)))
	}
	dv := reflect.ValueOf(dst).Elem()
	for _, k := range obj.Keys() {
		f, ok := fields[k]
		if !ok {
			msg := fmt.Sprintf("unknown option %q", k)
			if near := nearest(k, fields); near != "" {
				msg += fmt.Sprintf(" — did you mean %s?", near)
			}
			return optionError(fn, msg+" (valid: "+keyList(fields)+")")
		}
		x := obj.Get(k)
		if goja.IsUndefined(x) || goja.IsNull(x) {
			continue // {scope: undefined} is "not given"
		}
		if err := setOption(rt, dv.FieldByIndex(f.index), x); err != "" {
			return optionError(fn, fmt.Sprintf("option %s must be %s, not %s", k, err, typeName(x)))
		}
	}
	return nil
}

// decodeOpts is DecodeOptions that throws: for bindings, called from JS.
func decodeOpts(rt *goja.Runtime, fn string, v goja.Value, dst any) {
	if err := DecodeOptions(rt, fn, v, dst); err != nil {
		Throw(rt, err)
	}
}

func optionError(fn, msg string) *Error {
	return argError(fn, msg)
}

type optionField struct{ index []int }

var fieldCache sync.Map // reflect.Type → map[string]optionField

func optionFields(t reflect.Type) map[string]optionField {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]optionField)
	}
	m := map[string]optionField{}
	var walk func(t reflect.Type, prefix []int)
	walk = func(t reflect.Type, prefix []int) {
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			idx := append(append([]int{}, prefix...), i)
			if sf.Anonymous && sf.Type.Kind() == reflect.Struct {
				walk(sf.Type, idx)
				continue
			}
			if name := sf.Tag.Get("opt"); name != "" {
				m[name] = optionField{index: idx}
			}
		}
	}
	walk(t, nil)
	fieldCache.Store(t, m)
	return m
}

var (
	valueType  = reflect.TypeOf((*goja.Value)(nil)).Elem()
	objectType = reflect.TypeOf((*goja.Object)(nil))
)

// setOption stores x in f, or says what f expects.
func setOption(rt *goja.Runtime, f reflect.Value, x goja.Value) (expected string) {
	switch {
	case f.Type() == valueType:
		f.Set(reflect.ValueOf(x))
		return ""
	case f.Type() == objectType:
		o, ok := x.(*goja.Object)
		if !ok {
			return "an object"
		}
		f.Set(reflect.ValueOf(o))
		return ""
	}
	exp := x.Export()
	switch f.Kind() {
	case reflect.String:
		s, ok := exp.(string)
		if !ok {
			return "a string"
		}
		f.SetString(s)
	case reflect.Bool:
		b, ok := exp.(bool)
		if !ok {
			return "true or false"
		}
		f.SetBool(b)
	case reflect.Pointer: // *bool: "given" matters (auth: false)
		b, ok := exp.(bool)
		if !ok || f.Type().Elem().Kind() != reflect.Bool {
			return "true or false"
		}
		f.Set(reflect.ValueOf(&b))
	case reflect.Int, reflect.Int64:
		n, ok := number(exp)
		if !ok || n != float64(int64(n)) {
			return "a whole number"
		}
		f.SetInt(int64(n))
	case reflect.Float64:
		n, ok := number(exp)
		if !ok {
			return "a number"
		}
		f.SetFloat(n)
	case reflect.Slice: // []string
		if s, ok := exp.(string); ok {
			f.Set(reflect.ValueOf([]string{s}))
			return ""
		}
		o, ok := x.(*goja.Object)
		if !ok || o.ClassName() != "Array" {
			return "a string or an array of strings"
		}
		var out []string
		for _, k := range o.Keys() {
			out = append(out, o.Get(k).String())
		}
		f.Set(reflect.ValueOf(out))
	case reflect.Map: // map[string]string
		o, ok := x.(*goja.Object)
		if !ok || o.ClassName() == "Array" || o.ClassName() == "Function" {
			return "an object"
		}
		m := map[string]string{}
		for _, k := range o.Keys() {
			m[k] = o.Get(k).String()
		}
		f.Set(reflect.ValueOf(m))
	default:
		panic("bindings: option field of unsupported type " + f.Type().String())
	}
	return ""
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int64:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

// typeName is how an error names the type of a value that was given.
func typeName(v goja.Value) string {
	if o, ok := v.(*goja.Object); ok {
		switch o.ClassName() {
		case "Array":
			return "an array"
		case "Function":
			return "a function"
		}
		return "an object"
	}
	switch v.Export().(type) {
	case string:
		return fmt.Sprintf("the string %q", v.String())
	case bool:
		return "a boolean"
	case int64, float64:
		return "the number " + v.String()
	}
	return v.String()
}

func keyList(fields map[string]optionField) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}

// nearest is the valid key a typo most likely meant.
func nearest(k string, fields map[string]optionField) string {
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	return suggest.Nearest(k, names)
}

// The options of each binding, in one place.

// requestOptions are the options of every HTTP call: http.*, graph.*,
// arm.* and a databricks client's methods.
type requestOptions struct {
	Scope   string            `opt:"scope"`
	Auth    *bool             `opt:"auth"`
	Headers map[string]string `opt:"headers"`
	Query   map[string]string `opt:"query"`
	Timeout float64           `opt:"timeout"` // ms
	Form    map[string]string `opt:"form"`
}

// specOptions is one request spelled out: http.request and http.batch items.
type specOptions struct {
	requestOptions
	Method string     `opt:"method"`
	URL    string     `opt:"url"`
	Body   goja.Value `opt:"body"`
}

// listOptions: graph.all, arm.all.
type listOptions struct {
	requestOptions
	Max int `opt:"max"`
}

// databricksListOptions: a databricks client's all().
type databricksListOptions struct {
	listOptions
	Items string `opt:"items"`
}

// databricksOptions: databricks({…}).
type databricksOptions struct {
	Host         string `opt:"host"`
	Profile      string `opt:"profile"`
	Flow         string `opt:"flow"`
	ClientID     string `opt:"clientId"`
	ClientSecret string `opt:"clientSecret"`
	Token        string `opt:"token"`     // a personal access token (flow "pat")
	AccountID    string `opt:"accountId"` // account level: accounts.azuredatabricks.net
	TokenFile    string `opt:"tokenFile"` // file-oidc: the OIDC token file
	Audience     string `opt:"audience"`  // workload identity federation: the OIDC token's audience
}

// graphBatchItem: one item of graph.batch([…]).
type graphBatchItem struct {
	ID        string            `opt:"id"`
	Method    string            `opt:"method"`
	URL       string            `opt:"url"`
	Headers   map[string]string `opt:"headers"`
	Body      goja.Value        `opt:"body"`
	DependsOn []string          `opt:"dependsOn"`
}

// listRequest decodes the options of an all() and builds its first request.
func (c *caller) listRequest(fn string, u goja.Value, opts goja.Value, lo *listOptions) *httpx.Request {
	decodeOpts(c.rt, fn, opts, lo)
	return c.newRequest("GET", u, &lo.requestOptions)
}

// tokenOptionsJS: token(scope, {…}).
type tokenOptionsJS struct {
	Tenant   string `opt:"tenant"`
	ClientID string `opt:"clientId"`
	Force    bool   `opt:"force"`
	Account  string `opt:"account"`
	// OnBehalfOf is a user's access token to this API app (on-behalf-of).
	OnBehalfOf string `opt:"onBehalfOf"`
	// V1 asks the v1 endpoint (resource=) for the scope's resource.
	V1 bool `opt:"v1"`
}
