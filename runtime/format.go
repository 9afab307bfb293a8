package runtime

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/azrepl/azrepl/bindings"
	"github.com/azrepl/azrepl/httpx"
	"github.com/azrepl/azrepl/jsweb"
	"github.com/dop251/goja"
)

// Format renders a JS value the way the REPL prints it: indented JSON-like
// text, colored when color is set. Functions show as [Function: name],
// cycles as [Circular], Dates as ISO strings. A Go value implementing
// bindings.REPLRenderer, or an object with a __repl__ method, prints its own
// summary instead (Token and Response objects hide their secrets that way).
// Call it on the runtime's goroutine.
func Format(vm *goja.Runtime, v goja.Value, color bool) (out string) {
	defer unprintable(&out)
	f := &formatter{vm: vm, color: color, seen: map[*goja.Object]bool{}}
	f.value(v, 0)
	return f.b.String()
}

// FormatResult is Format for the value of a whole evaluation (the REPL's
// answer, `azrepl -e`): a string is printed as it is, without quotes, so that
// a token, an id or a curl line can be copied or captured by a shell
// (TOKEN=$(azrepl -e 'String(token())')). Strings inside values stay quoted.
func FormatResult(vm *goja.Runtime, v goja.Value, color bool) (out string) {
	defer unprintable(&out)
	if s, ok := plainString(v); ok {
		return httpx.EscapeControls(s)
	}
	return Format(vm, v, color)
}

// REPLArrayItems is how many items of an array the REPL shows; the rest is
// a count, so that typing graph.all(…) over 100,000 groups prints a screen,
// not 72 MB. `azrepl -e` and `run` print whole values (FormatResult).
const REPLArrayItems = 100

// FormatREPL is FormatResult with long arrays (at any depth) cut to their
// first REPLArrayItems items and a line saying how many more there are.
func FormatREPL(vm *goja.Runtime, v goja.Value, color bool) (out string) {
	defer unprintable(&out)
	if s, ok := plainString(v); ok {
		return httpx.EscapeControls(s)
	}
	f := &formatter{vm: vm, color: color, seen: map[*goja.Object]bool{}, maxItems: REPLArrayItems}
	f.value(v, 0)
	return f.b.String()
}

// plainString is v as a Go string when v is a JS string; an object is never
// exported (that would run its getters).
func plainString(v goja.Value) (string, bool) {
	if v == nil || v.ExportType() != reflect.TypeOf("") {
		return "", false
	}
	if _, isObj := v.(*goja.Object); isObj {
		return "", false
	}
	s, ok := v.Export().(string)
	return s, ok
}

// unprintable turns a panic while printing (a getter, a Proxy trap or a
// toString that throws where no property-level guard caught it) into one
// line instead of a crash.
func unprintable(out *string) {
	if r := recover(); r != nil {
		*out = "[a value that cannot be printed: " + thrownText(r) + "]"
	}
}

// thrownText is a short description of a recovered panic from JS, itself
// guarded: the thrown value's own toString may throw too.
func thrownText(r any) (s string) {
	defer func() {
		if recover() != nil {
			s = "it threw"
		}
	}()
	if ex, ok := r.(*goja.Exception); ok {
		if obj, isObj := ex.Value().(*goja.Object); isObj {
			if m := safeGet(obj, "message"); m != "" {
				return firstLine(m)
			}
		}
		return firstLine(safeString(ex.Value()))
	}
	if err, ok := r.(error); ok {
		return firstLine(err.Error())
	}
	return "it threw"
}

// firstLine keeps the first line of a thrown value's text, bounded, for a
// printed summary.
func firstLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// get reads a property for printing; a getter or Proxy trap that throws
// gives "" and the thrown text instead of a panic.
func (f *formatter) get(obj *goja.Object, k string) (v goja.Value, threw string) {
	defer func() {
		if r := recover(); r != nil {
			v, threw = nil, thrownText(r)
		}
	}()
	return obj.Get(k), ""
}

// keys is obj.Keys() guarded (a Proxy's ownKeys trap may throw).
func (f *formatter) keys(obj *goja.Object) (keys []string, threw string) {
	defer func() {
		if r := recover(); r != nil {
			keys, threw = nil, thrownText(r)
		}
	}()
	return obj.Keys(), ""
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
		name := safeGet(obj, "name")
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
	case "Object":
		if kind := collectionKind(obj); kind != "" && f.collection(obj, kind, depth) {
			return
		}
	case "Error":
		f.errorObject(obj, depth)
		return
	}
	keys, threw := f.keys(obj)
	if threw != "" {
		f.paint(cDim, "[threw: "+threw+"]")
		return
	}
	f.object(obj, keys, depth)
}

// custom applies the REPL rendering hooks.
func (f *formatter) custom(obj *goja.Object) (string, bool) {
	if t := obj.ExportType(); t != nil && t.Implements(rendererType) {
		if r, ok := obj.Export().(bindings.REPLRenderer); ok {
			return r.RenderREPL(), true
		}
	}
	m, _ := f.get(obj, bindings.REPLMethod)
	if fn, ok := goja.AssertFunction(m); ok {
		if s, err := fn(obj); err == nil {
			return s.String(), true
		}
	}
	return "", false
}

func (f *formatter) array(obj *goja.Object, depth int) {
	length, _ := f.get(obj, "length")
	if length == nil {
		length = goja.Undefined()
	}
	n := length.ToInteger()
	if n == 0 {
		f.b.WriteString("[]")
		return
	}
	f.items("[", "]", n, depth, "… %s more: use .length, q() or a loop", func(i int64) {
		if v, threw := f.get(obj, strconv.FormatInt(i, 10)); threw != "" {
			f.paint(cDim, "[threw: "+threw+"]")
		} else {
			f.value(v, depth+1)
		}
	})
}

// items prints n items between open and close, one a line, each by item;
// with maxItems set, the first maxItems and a line made from more with the
// count of the others.
func (f *formatter) items(open, close string, n int64, depth int, more string, item func(i int64)) {
	shown := n
	if f.maxItems > 0 && n > f.maxItems {
		shown = f.maxItems
	}
	f.b.WriteString(open + "\n")
	for i := int64(0); i < shown; i++ {
		f.indent(depth + 1)
		item(i)
		if i < n-1 {
			f.b.WriteByte(',')
		}
		f.b.WriteByte('\n')
	}
	if shown < n {
		f.indent(depth + 1)
		f.paint(cDim, fmt.Sprintf(more, thousands(n-shown)))
		f.b.WriteByte('\n')
	}
	f.indent(depth)
	f.b.WriteString(close)
}

// collectionEntries lists a Map's [key, value] pairs or a Set's values.
var collectionEntries = sync.OnceValue(func() *goja.Program {
	return goja.MustCompile("entries.js", `(o, isMap) => Array.from(isMap ? Map.prototype.entries.call(o) : Set.prototype.values.call(o))`, true)
})

// goja's class name of a Map or Set is "Object"; their export types tell
// them apart.
var (
	mapExport = reflect.TypeOf([][2]any{})
	setExport = reflect.TypeOf([]any{})
)

func collectionKind(obj *goja.Object) string {
	switch obj.ExportType() {
	case mapExport:
		return "Map"
	case setExport:
		return "Set"
	}
	return ""
}

// collection prints a Map as Map(n) {key => value, …} and a Set as
// Set(n) {value, …}, as Node does (they printed as {}); false when their
// entries cannot be read.
func (f *formatter) collection(obj *goja.Object, kind string, depth int) (ok bool) {
	isMap := kind == "Map"
	var list *goja.Object
	func() {
		defer func() { _ = recover() }()
		v, err := jsweb.CallProgram(f.vm, collectionEntries(), obj, f.vm.ToValue(isMap))
		if err == nil {
			list, _ = v.(*goja.Object)
		}
	}()
	if list == nil {
		return false
	}
	n := list.Get("length").ToInteger()
	f.paint(cDim, fmt.Sprintf("%s(%d) ", kind, n))
	if n == 0 {
		f.b.WriteString("{}")
		return true
	}
	f.items("{", "}", n, depth, "… %s more", func(i int64) {
		item := list.Get(strconv.FormatInt(i, 10))
		if pair, ok := item.(*goja.Object); ok && isMap {
			f.value(pair.Get("0"), depth+1)
			f.b.WriteString(" => ")
			f.value(pair.Get("1"), depth+1)
		} else {
			f.value(item, depth+1)
		}
	})
	return true
}

func (f *formatter) errorObject(obj *goja.Object, depth int) {
	keys := []string{"name", "message"}
	own, _ := f.keys(obj)
	for _, k := range own {
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
		if v, threw := f.get(obj, k); threw != "" {
			f.paint(cDim, "[threw: "+threw+"]")
		} else {
			f.value(v, depth+1)
		}
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
	// JSON escapes C0 controls; DEL and C1 (0x9b is a CSI on some terminals) are escaped here.
	return httpx.EscapeControls(strings.TrimSuffix(b.String(), "\n"))
}

// thousands writes n with comma separators (99,900).
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
