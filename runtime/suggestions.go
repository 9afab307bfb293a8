package runtime

import (
	"errors"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/azrepl/azrepl/internal/suggest"
	"github.com/dop251/goja"
	"github.com/dop251/goja/file"
)

// addSuggestion ends the message of a ReferenceError for an unknown global
// ("grpah is not defined — did you mean graph?") or of goja's TypeError for
// a call of a missing member ("Object has no member 'gett' — did you mean
// graph.get?") with the name most likely meant.
func (r *Runtime) addSuggestion(err error) {
	var ex *goja.Exception
	if !errors.As(err, &ex) {
		return
	}
	obj, ok := ex.Value().(*goja.Object)
	if !ok {
		return
	}
	msg := safeGet(obj, "message")
	var meant string
	switch safeGet(obj, "name") {
	case "ReferenceError":
		meant = r.globalMeant(msg)
	case "TypeError":
		meant = r.memberMeant(ex, msg)
	}
	if meant == "" {
		return
	}
	defer func() { _ = recover() }() // a frozen or odd error object keeps its message
	_ = obj.Set("message", msg+suggest.Phrase(meant))
}

// globalMeant is the global most likely meant by "NAME is not defined".
func (r *Runtime) globalMeant(msg string) string {
	name, ok := strings.CutSuffix(msg, " is not defined")
	if !ok {
		return ""
	}
	if near := suggest.Nearest(name, r.vm.GlobalObject().GetOwnPropertyNames()); near != name {
		return near
	}
	return ""
}

// memberMeant is the member most likely meant by goja's "Object has no
// member 'NAME'", as a path (graph.get). The message does not say which
// object it was, so the source at the error's position names it: a global
// or a dotted path of own data properties from one (graph.beta), looked up
// without running any script code, and only its methods are offered. A
// call's result (databricks().gett()) is never computed again: it gets no
// suggestion.
func (r *Runtime) memberMeant(ex *goja.Exception, msg string) string {
	member, isNoMember := strings.CutPrefix(msg, "Object has no member '")
	member, quoted := strings.CutSuffix(member, "'")
	if !isNoMember || !quoted || member == "" || len(ex.Stack()) == 0 {
		return ""
	}
	pos := ex.Stack()[0].Position()
	var path []string
	// The REPL compiles every input as "<repl>": a function typed earlier
	// fails at a position in an earlier text. calledPath knows its own.
	texts := r.sources[pos.Filename]
	for i := len(texts) - 1; i >= 0 && path == nil; i-- {
		path = calledPath(texts[i], pos, member)
	}
	if path == nil {
		return ""
	}
	target := r.globalPath(path)
	if target == nil {
		return ""
	}
	if near := suggest.Nearest(member, r.methods(target)); near != "" && near != member {
		return strings.Join(path, ".") + "." + near
	}
	return ""
}

// keptSources is how many texts compiled under one name memberMeant
// looks through: the REPL's last inputs.
const keptSources = 16

// remember keeps text, compiled as name, for memberMeant.
func (r *Runtime) remember(name, text string) {
	texts := append(r.sources[name], text)
	if len(texts) > keptSources {
		texts = slices.Clone(texts[len(texts)-keptSources:])
	}
	r.sources[name] = texts
}

// methods are the names Properties lists whose value is a function: the
// script called the member it misspelt, so it meant a method. Data is never
// offered, so no value (nor a secret used as a key) reaches the message.
func (r *Runtime) methods(obj *goja.Object) []string {
	var names []string
	for _, name := range Properties(r.vm, obj, "") {
		for o := obj; o != nil && !IsProxy(o); o = o.Prototype() {
			if v, ok := r.OwnData(o, name); ok {
				if _, isFn := goja.AssertFunction(v); isFn {
					names = append(names, name)
				}
				break
			}
		}
	}
	return names
}

// globalPath is the object at path (["graph", "beta"]) from the global
// scope, or nil. Each step is an own data property read by OwnData, so no
// getter or Proxy trap runs; the first name may also be a top-level
// let/const/class binding, read only when no property of that name is
// anywhere on the global object's chain (else reading it could run a getter).
func (r *Runtime) globalPath(path []string) *goja.Object {
	if path[0] == "this" || path[0] == "super" {
		return nil // which object they are depends on the function
	}
	global := r.vm.GlobalObject()
	v, ok := r.OwnData(global, path[0])
	if !ok && r.absentFromGlobal(path[0]) {
		v = LexicalValue(r.vm, path[0])
	}
	for _, name := range path[1:] {
		o, isObj := v.(*goja.Object)
		if !isObj {
			return nil
		}
		v, _ = r.OwnData(o, name)
	}
	o, _ := v.(*goja.Object)
	if IsProxy(o) {
		return nil
	}
	return o
}

// absentFromGlobal: no object on the global object's prototype chain has a
// property name, not even an accessor. A Proxy on the chain answers no.
func (r *Runtime) absentFromGlobal(name string) bool {
	if r.gopd == nil {
		return false
	}
	for o, depth := r.vm.GlobalObject(), 0; o != nil; o, depth = o.Prototype(), depth+1 {
		if IsProxy(o) || depth >= 16 {
			return false
		}
		d, err := r.gopd(goja.Undefined(), o, r.vm.ToValue(name))
		if err != nil || (d != nil && !goja.IsUndefined(d)) {
			return false
		}
	}
	return true
}

// LexicalValue reads a top-level let/const/class binding (or nil). name is
// a plain identifier, so evaluating it reads the binding and calls nothing.
func LexicalValue(vm *goja.Runtime, name string) goja.Value {
	if !isIdentifier(name) {
		return nil
	}
	v, err := vm.RunString(name)
	if err != nil {
		return nil
	}
	return v
}

// calledPath reads the source around pos, where goja placed a call's "(":
// when the text before it is `a.b.member` (dots, optional chaining and
// spaces allowed) starting a plain expression, it is [a b]; else nil (a
// computed or called object, or source that is not the one that ran).
func calledPath(src string, pos file.Position, member string) []string {
	end, ok := offsetOf(src, pos)
	if !ok || end >= len(src) || src[end] != '(' {
		return nil
	}
	before := src[:end]
	var names []string
	for {
		before = strings.TrimRightFunc(before, unicode.IsSpace)
		i := len(before)
		for i > 0 {
			r, size := utf8.DecodeLastRuneInString(before[:i])
			if !isIdentRune(r) {
				break
			}
			i -= size
		}
		name := before[i:]
		if !isIdentifier(name) {
			return nil // after ")" or "]": a value the source computes
		}
		names = append(names, name)
		before = strings.TrimRightFunc(before[:i], unicode.IsSpace)
		dot, ok := strings.CutSuffix(before, ".")
		if !ok {
			break
		}
		before = strings.TrimSuffix(dot, "?")
	}
	if len(names) < 2 || names[0] != member {
		return nil
	}
	path := make([]string, 0, len(names)-1)
	for i := len(names) - 1; i > 0; i-- {
		path = append(path, names[i])
	}
	return path
}

// offsetOf is the byte offset of pos in src, as goja counts lines and
// columns (file.File.Position is monotonic in the offset).
func offsetOf(src string, pos file.Position) (int, bool) {
	f := file.NewFile(pos.Filename, src, 1)
	before := func(p file.Position) bool {
		return p.Line < pos.Line || (p.Line == pos.Line && p.Column < pos.Column)
	}
	off := sort.Search(len(src), func(o int) bool { return !before(f.Position(o)) })
	if off == len(src) {
		return 0, false
	}
	p := f.Position(off)
	return off, p.Line == pos.Line && p.Column == pos.Column
}

func isIdentRune(r rune) bool {
	return r == '_' || r == '$' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// isIdentifier: a JavaScript identifier of letters, digits, _ and $.
func isIdentifier(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return s != "" && !unicode.IsDigit(r) && strings.IndexFunc(s, func(r rune) bool { return !isIdentRune(r) }) < 0
}

// Properties lists obj's own and inherited property names starting with
// prefix, without running script code (a Proxy ends the walk: its ownKeys
// and getPrototypeOf traps are script code). Object.prototype's methods
// (hasOwnProperty, valueOf…) are noise on every object: listed only for
// Object.prototype itself. So are Function.prototype's (apply, bind, call)
// and a function's own length, name and prototype on functions that are
// namespaces (trace.). Names starting with "__" are internal.
func Properties(vm *goja.Runtime, obj *goja.Object, prefix string) []string {
	// The intrinsics, not the globals Object and Function a script may replace.
	objProto := vm.NewObject().Prototype()
	funcProto := vm.ToValue(func(goja.FunctionCall) goja.Value { return nil }).ToObject(vm).Prototype()
	_, callable := goja.AssertFunction(obj)
	seen := map[string]bool{}
	var names []string
	for o, depth := obj, 0; o != nil && depth < 16; o, depth = o.Prototype(), depth+1 {
		if depth > 0 && (o.SameAs(objProto) || o.SameAs(funcProto)) || IsProxy(o) {
			break
		}
		for _, n := range o.GetOwnPropertyNames() {
			if callable && depth == 0 && (n == "length" || n == "name" || n == "prototype") {
				continue
			}
			if strings.HasPrefix(n, prefix) && !seen[n] && n != "constructor" && !strings.HasPrefix(n, "__") {
				seen[n] = true
				names = append(names, n)
			}
		}
	}
	return names
}
