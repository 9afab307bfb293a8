package runtime

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"

	"github.com/azrepl/azrepl/bindings"
	"github.com/dop251/goja"
)

// Format renders a JS value the way the REPL prints it: indented JSON-like
// text, colored when color is set. Functions show as [Function: name],
// cycles as [Circular], Dates as ISO strings. A Go value implementing
// bindings.REPLRenderer, or an object with a __repl__ method, prints its own
// summary instead (Token and Response objects hide their secrets that way).
// Call it on the runtime's goroutine.
func Format(vm *goja.Runtime, v goja.Value, color bool) string {
	f := &formatter{vm: vm, color: color, seen: map[*goja.Object]bool{}}
	f.value(v, 0)
	return f.b.String()
}

// FormatResult is Format for the value of a whole evaluation (the REPL's
// answer, `azrepl -e`): a string is printed as it is, without quotes, so that
// a token, an id or a curl line can be copied or captured by a shell
// (TOKEN=$(azrepl -e 'String(token())')). Strings inside values stay quoted.
func FormatResult(vm *goja.Runtime, v goja.Value, color bool) string {
	if s, ok := v.Export().(string); ok && v.ExportType() == reflect.TypeOf("") {
		return s
	}
	return Format(vm, v, color)
}

// REPLArrayItems is how many items of an array the REPL shows; the rest is
// a count, so that typing graph.all(…) over 100,000 groups prints a screen,
// not 72 MB. `azrepl -e` and `run` print whole values (FormatResult).
const REPLArrayItems = 100

// FormatREPL is FormatResult with long arrays (at any depth) cut to their
// first REPLArrayItems items and a line saying how many more there are.
func FormatREPL(vm *goja.Runtime, v goja.Value, color bool) string {
	if s, ok := v.Export().(string); ok && v.ExportType() == reflect.TypeOf("") {
		return s
	}
	f := &formatter{vm: vm, color: color, seen: map[*goja.Object]bool{}, maxItems: REPLArrayItems}
	f.value(v, 0)
	return f.b.String()
}

const maxDepth = 12

var rendererType = reflect.TypeOf((*bindings.REPLRenderer)(nil)).Elem()

type formatter struct {
	vm    *goja.Runtime
	b     strings.Builder
	color bool
	seen  map[*goja.Object]bool
	// maxItems > 0 cuts arrays to that many items and a count.
	maxItems int64
}

const (
	cKey   = "\x1b[36m"
	cStr   = "\x1b[32m"
	cNum   = "\x1b[33m"
	cLit   = "\x1b[35m"
	cDim   = "\x1b[90m"
	cReset = "\x1b[0m"
)

func (f *formatter) paint(c, s string) {
	if f.color {
		f.b.WriteString(c + s + cReset)
		return
	}
	f.b.WriteString(s)
}

func (f *formatter) value(v goja.Value, depth int) {
	switch {
	case v == nil || goja.IsUndefined(v):
		f.paint(cDim, "undefined")
		return
	case goja.IsNull(v):
		f.paint(cLit, "null")
		return
	}
	obj, isObj := v.(*goja.Object)
	if !isObj {
		switch x := v.Export().(type) {
		case string:
			f.paint(cStr, quote(x))
		case bool:
			f.paint(cLit, v.String())
		case int64, float64:
			f.paint(cNum, v.String())
		default:
			if goja.IsBigInt(v) {
				f.paint(cNum, v.String()+"n")
			} else {
				f.paint(cDim, v.String())
			}
		}
		return
	}
	if s, ok := f.custom(obj); ok {
		f.b.WriteString(s)
		return
	}
	if _, isFn := goja.AssertFunction(obj); isFn {
		name := valueString(obj.Get("name"))
		if name == "" {
			name = "(anonymous)"
		}
		f.paint(cDim, "[Function: "+name+"]")
		return
	}
	if f.seen[obj] {
		f.paint(cDim, "[Circular]")
		return
	}
	if depth >= maxDepth {
		f.paint(cDim, "[Object]")
		return
	}
	f.seen[obj] = true
	defer delete(f.seen, obj)
	switch obj.ClassName() {
	case "Date":
		if iso, ok := goja.AssertFunction(obj.Get("toISOString")); ok {
			if s, err := iso(obj); err == nil {
				f.paint(cStr, quote(s.String()))
				return
			}
		}
		f.paint(cStr, quote(obj.String()))
		return
	case "Array":
		f.array(obj, depth)
		return
	case "Error":
		f.errorObject(obj, depth)
		return
	}
	f.object(obj, obj.Keys(), depth)
}

// custom applies the REPL rendering hooks.
func (f *formatter) custom(obj *goja.Object) (string, bool) {
	if t := obj.ExportType(); t != nil && t.Implements(rendererType) {
		if r, ok := obj.Export().(bindings.REPLRenderer); ok {
			return r.RenderREPL(), true
		}
	}
	if fn, ok := goja.AssertFunction(obj.Get(bindings.REPLMethod)); ok {
		if s, err := fn(obj); err == nil {
			return s.String(), true
		}
	}
	return "", false
}

func (f *formatter) array(obj *goja.Object, depth int) {
	n := obj.Get("length").ToInteger()
	if n == 0 {
		f.b.WriteString("[]")
		return
	}
	shown := n
	if f.maxItems > 0 && n > f.maxItems {
		shown = f.maxItems
	}
	f.b.WriteString("[\n")
	for i := int64(0); i < shown; i++ {
		f.indent(depth + 1)
		f.value(obj.Get(strconv.FormatInt(i, 10)), depth+1)
		if i < n-1 {
			f.b.WriteByte(',')
		}
		f.b.WriteByte('\n')
	}
	if shown < n {
		f.indent(depth + 1)
		f.paint(cDim, "… "+thousands(n-shown)+" more: use .length, q() or a loop")
		f.b.WriteByte('\n')
	}
	f.indent(depth)
	f.b.WriteByte(']')
}

func (f *formatter) errorObject(obj *goja.Object, depth int) {
	keys := []string{"name", "message"}
	for _, k := range obj.Keys() {
		if k != "name" && k != "message" && k != "stack" && k != "value" {
			keys = append(keys, k)
		}
	}
	f.object(obj, keys, depth)
}

func (f *formatter) object(obj *goja.Object, keys []string, depth int) {
	if len(keys) == 0 {
		f.b.WriteString("{}")
		return
	}
	f.b.WriteString("{\n")
	for i, k := range keys {
		f.indent(depth + 1)
		f.paint(cKey, quote(k))
		f.b.WriteString(": ")
		f.value(obj.Get(k), depth+1)
		if i < len(keys)-1 {
			f.b.WriteByte(',')
		}
		f.b.WriteByte('\n')
	}
	f.indent(depth)
	f.b.WriteByte('}')
}

func (f *formatter) indent(depth int) {
	for i := 0; i < depth; i++ {
		f.b.WriteString("  ")
	}
}

// quote is JSON string quoting without HTML escaping.
func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// thousands writes n with comma separators (99,900).
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
