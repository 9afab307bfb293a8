package bindings

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/dop251/goja"
	"github.com/tidwall/gjson"

	"github.com/azrepl/azrepl/errcode"
)

// MaxJSONDepth bounds the nesting of JSON taken from a body or a string.
// gjson's validator and goja's JSON.parse recurse once per level, so 20M
// nested arrays overflowed the Go stack (a fatal error, not a panic); no
// real API nests anywhere near this deep.
const MaxJSONDepth = 10_000

// checkDepth refuses JSON nested deeper than MaxJSONDepth, in one linear
// pass without recursion. It reads only brackets outside strings, so it
// says nothing about validity.
func checkDepth[T string | []byte](doc T) error {
	depth, inString := 0, false
	for i := 0; i < len(doc); i++ {
		ch := doc[i]
		if inString {
			switch ch {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch ch {
		case '"':
			inString = true
		case '[', '{':
			depth++
			if depth > MaxJSONDepth {
				return &Error{Code: errcode.BadJSON, Message: fmt.Sprintf("JSON nested deeper than %d levels (%s): refused", MaxJSONDepth, sizeText(len(doc)))}
			}
		case ']', '}':
			depth--
		}
	}
	return nil
}

// CheckJSONDepth is checkDepth for the runtime's global JSON.parse, which
// recurses like goja's parser and would end the process on deep input.
func CheckJSONDepth(doc string) error { return checkDepth(doc) }

// validJSON is gjson.Valid behind the depth check: nil when doc is valid.
func validJSON[T string | []byte](doc T) error {
	if err := checkDepth(doc); err != nil {
		return err
	}
	var ok bool
	switch d := any(doc).(type) {
	case string:
		ok = gjson.Valid(d)
	case []byte:
		ok = gjson.ValidBytes(d)
	}
	if !ok {
		return &Error{Name: "SyntaxError", Code: errcode.BadJSON, Message: "not valid JSON"}
	}
	return nil
}

// checkEvery is how many values are built between two looks at Ctrl-C.
const checkEvery = 4096

// build converts valid JSON text (depth already checked) into JS values in
// one pass with an explicit stack: linear in size whatever the nesting
// (gjson's ForEach per level re-scanned every nested value, quadratic in
// depth: 200 KB at depth 100k took 40 s), and interruptible. Strings are
// copied, so no value keeps the page it came from alive.
func (c *JSONConverter) build(raw string) (goja.Value, error) {
	type frame struct {
		obj   *goja.Object // an object being filled
		items []any        // or an array's items
		key   string       // the pending member name of obj
	}
	var stack []frame
	var result goja.Value
	count := 0
	ctx := c.context()
	for i := 0; i < len(raw); {
		ch := raw[i]
		var v goja.Value
		switch ch {
		case ' ', '\t', '\n', '\r', ',', ':':
			i++
			continue
		case '{':
			stack = append(stack, frame{obj: c.rt.NewObject()})
			i++
			continue
		case '[':
			stack = append(stack, frame{items: []any{}})
			i++
			continue
		case '}', ']':
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if top.obj != nil {
				v = top.obj
			} else {
				v = c.rt.NewArray(top.items...)
			}
			i++
		case '"':
			end, escaped := stringEnd(raw, i)
			tok := raw[i:end]
			i = end
			if n := len(stack); n > 0 && stack[n-1].obj != nil && stack[n-1].key == "" {
				// a member name: kept until its value is built
				stack[n-1].key = "\x00" + c.unquote(tok, escaped)
				continue
			}
			s, err := c.stringValue(tok, escaped)
			if err != nil {
				return nil, err
			}
			v = s
		case 't':
			v, i = c.rt.ToValue(true), i+4
		case 'f':
			v, i = c.rt.ToValue(false), i+5
		case 'n':
			v, i = goja.Null(), i+4
		default:
			j := i + 1
			for j < len(raw) && strings.IndexByte("0123456789+-.eE", raw[j]) >= 0 {
				j++
			}
			f, _ := strconv.ParseFloat(raw[i:j], 64) // valid JSON: only ±Inf on overflow, as JSON.parse gives
			v, i = c.rt.ToValue(f), j
		}
		if count++; count%checkEvery == 0 && ctx.Err() != nil {
			return nil, &Error{Code: errcode.Cancelled, Message: "interrupted"}
		}
		if len(stack) == 0 {
			result = v
			continue
		}
		top := &stack[len(stack)-1]
		if top.obj != nil {
			// own data properties, as JSON.parse makes them: a "__proto__"
			// member is a property, never the prototype
			_ = top.obj.DefineDataProperty(top.key[1:], v, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_TRUE)
			top.key = ""
		} else {
			top.items = append(top.items, v)
		}
	}
	if result == nil {
		return goja.Undefined(), nil
	}
	return result, nil
}

// stringEnd returns the index after the closing quote of the string that
// starts at i, and whether it holds escapes.
func stringEnd(raw string, i int) (int, bool) {
	escaped := false
	for j := i + 1; j < len(raw); j++ {
		switch raw[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			return j + 1, escaped
		}
	}
	return len(raw), escaped
}

// unquote returns the text of a quoted JSON string as a new Go string.
func (c *JSONConverter) unquote(tok string, escaped bool) string {
	if !escaped {
		return strings.Clone(tok[1 : len(tok)-1])
	}
	return gjson.Parse(tok).Str // unescaped into a new string
}

// stringValue is the JS string of a quoted JSON string. A \uD800–\uDFFF
// escape goes through JSON.parse, which keeps a lone surrogate as the
// UTF-16 unit it is (Go strings cannot hold one).
func (c *JSONConverter) stringValue(tok string, escaped bool) (goja.Value, error) {
	if escaped && hasSurrogateEscape(tok) {
		return c.parse(goja.Undefined(), c.rt.ToValue(tok))
	}
	return c.rt.ToValue(c.unquote(tok, escaped)), nil
}

func hasSurrogateEscape(tok string) bool {
	for i := 0; i+3 < len(tok); i++ {
		if tok[i] == '\\' {
			if tok[i+1] == 'u' && (tok[i+2] == 'd' || tok[i+2] == 'D') && strings.IndexByte("89abcdefABCDEF", tok[i+3]) >= 0 {
				return true
			}
			i++ // skip the escaped character
		}
	}
	return false
}

// context is what Ctrl-C cancels (background when the converter has no Env).
func (c *JSONConverter) context() context.Context {
	if c.ctx != nil {
		return c.ctx()
	}
	return context.Background()
}
