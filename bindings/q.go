package bindings

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/dop251/goja"
	"github.com/tidwall/gjson"

	"github.com/azrepl/azrepl/errcode"
)

// JSONSource is implemented by Go values handed to JS that already hold JSON
// (an HTTP Response body): q reads those bytes instead of re-encoding.
type JSONSource interface {
	JSON() []byte
}

func init() {
	Register(Binding{
		Name: "q",
		Help: `q(jsonOrValue, path) — query JSON with a gjson path; returns JS values
  jsonOrValue  a JSON string, or any JS value (encoded to JSON once)
  path         gjson syntax: "value.#.displayName", "users.#(name==\"alice\").id", "a.b|@reverse"
  Returns numbers, strings, booleans, null, arrays and objects; undefined when nothing matches.
  Syntax: https://github.com/tidwall/gjson/blob/master/SYNTAX.md
  Example: q('{"value":[{"id":1},{"id":2}]}', "value.#.id")  // [1, 2]`,
		Value: func(env *Env, rt *goja.Runtime) (goja.Value, error) {
			conv, err := NewJSONConverter(rt)
			if err != nil {
				return nil, err
			}
			conv.SetContext(env.Context)
			return rt.ToValue(func(call goja.FunctionCall) goja.Value {
				if len(call.Arguments) < 2 {
					Throw(rt, &Error{Name: "TypeError", Code: errcode.BadArgument, Message: "q(jsonOrValue, path): two arguments expected"})
				}
				doc, err := jsonOf(call.Argument(0))
				if err != nil {
					Throw(rt, err)
				}
				path := optionalStringArg(rt, "q(jsonOrValue, path)", "path", call.Argument(1))
				return conv.Result(Query(doc, path))
			}), nil
		},
	})
}

// Query runs a gjson path over doc; an empty path returns the whole document.
func Query(doc []byte, path string) gjson.Result {
	if path == "" {
		return gjson.ParseBytes(doc)
	}
	return gjson.GetBytes(doc, path)
}

// jsonOf returns the JSON text of a JS argument: a string is taken as JSON
// text, anything else is encoded once.
func jsonOf(v goja.Value) ([]byte, error) {
	if v == nil || goja.IsUndefined(v) {
		return nil, &Error{Name: "TypeError", Code: errcode.BadArgument, Message: "q: the first argument is undefined"}
	}
	if s, ok := v.Export().(string); ok {
		if err := validJSON(s); err != nil {
			msg := "q: the first argument is a string but not valid JSON"
			if e, ok := err.(*Error); ok && e.Name != "SyntaxError" {
				msg = "q: the first argument: " + e.Message
			}
			return nil, &Error{Code: errcode.BadJSON, Message: msg}
		}
		return []byte(s), nil
	}
	if src, ok := v.Export().(JSONSource); ok {
		return src.JSON(), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("q: cannot encode the value as JSON: %v", err)
	}
	return b, nil
}

// JSONConverter turns JSON (gjson results, raw bytes) into native JS values
// with the runtime's own JSON.parse, so results are plain JS objects and
// arrays rather than wrapped Go maps.
type JSONConverter struct {
	rt    *goja.Runtime
	parse goja.Callable
	ctx   func() context.Context // Ctrl-C stops a long conversion; nil = never

	lastShape *shape // of the last lazy item (lazyitem.go)
	scratch   []byte // its values, before they are copied
}

// SetContext makes conversions stop with CANCELLED when ctx() is done.
func (c *JSONConverter) SetContext(ctx func() context.Context) { c.ctx = ctx }

// NewJSONConverter binds a converter to rt (use it on rt's goroutine only).
func NewJSONConverter(rt *goja.Runtime) (*JSONConverter, error) {
	parse, ok := goja.AssertFunction(rt.Get("JSON").ToObject(rt).Get("parse"))
	if !ok {
		return nil, errors.New("JSON.parse is not a function")
	}
	return &JSONConverter{rt: rt, parse: parse}, nil
}

// Parse converts JSON text to a JS value in one linear pass (jsonconv.go),
// 2.5× faster than goja's JSON.parse on a Graph page of 999 groups, which
// graph.all pays for every page. JSON nested deeper than MaxJSONDepth is
// refused; other invalid JSON goes to JSON.parse for its SyntaxError.
func (c *JSONConverter) Parse(raw string) (goja.Value, error) {
	if err := validJSON(raw); err != nil {
		if e, ok := err.(*Error); ok && e.Name != "SyntaxError" {
			return nil, err
		}
		return c.parse(goja.Undefined(), c.rt.ToValue(raw))
	}
	return c.build(raw)
}

// Array builds a JS array of items, results of gjson queries on doc, which
// is checked to be valid JSON once (paging hands over items it already
// found, so nothing is joined and parsed again). Object items are lazy
// (lazyitem.go): graph.all over a million groups keeps their JSON, not a
// million goja objects.
func (c *JSONConverter) Array(doc []byte, items []gjson.Result) (goja.Value, error) {
	if err := validJSON(doc); err != nil {
		return nil, err
	}
	return c.Items(items)
}

// Items is Array for items of a document already checked.
func (c *JSONConverter) Items(items []gjson.Result) (goja.Value, error) {
	vals, err := c.AppendItems(make([]any, 0, len(items)), items)
	if err != nil {
		return nil, err
	}
	return c.rt.NewArray(vals...), nil
}

// AppendItems appends the JS values of items (of a document already
// checked) to vals: graph.all gathers every page's so that the array is
// built once (joining pages with concat copied it per page).
func (c *JSONConverter) AppendItems(vals []any, items []gjson.Result) ([]any, error) {
	for _, it := range items {
		v, err := c.Lazy(it.Raw)
		if err != nil {
			return vals, err
		}
		vals = append(vals, v)
	}
	return vals, nil
}

// Result converts a gjson result: undefined when it does not exist. Its
// raw text goes through Parse, so strings are copies (not slices of the
// body) and lone surrogates stay what JSON.parse makes of them.
func (c *JSONConverter) Result(r gjson.Result) goja.Value {
	switch {
	case !r.Exists():
		return goja.Undefined()
	case r.Type == gjson.Null:
		return goja.Null()
	case r.Type == gjson.True, r.Type == gjson.False:
		return c.rt.ToValue(r.Bool())
	}
	v, err := c.Parse(r.Raw)
	if err != nil {
		if e, ok := err.(*Error); ok {
			Throw(c.rt, e)
		}
		Throw(c.rt, &Error{Code: errcode.BadJSON, Message: fmt.Sprintf("q: result is not valid JSON: %v", err), Err: err})
	}
	return v
}
