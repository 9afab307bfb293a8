// Package jsweb gives a goja runtime the web platform's small globals that
// snippets written for browsers and Node use: URL and URLSearchParams (from
// goja_nodejs, the goja project's own Node modules), TextEncoder and
// TextDecoder, atob and btoa, base64url, crypto.randomUUID and
// crypto.getRandomValues, and structuredClone; and the ES2024 builtins goja
// lacks (Object.groupBy, Map.groupBy, Promise.withResolvers, Array.fromAsync).
//
// Each global is built the first time it is read, so a runtime that never
// uses them (most -e calls) pays nothing at start-up.
package jsweb

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/dop251/goja"
	nodeurl "github.com/dop251/goja_nodejs/url"
)

// Names are the globals Install defines.
var Names = []string{"URL", "URLSearchParams", "TextEncoder", "TextDecoder", "atob", "btoa", "base64url", "crypto", "structuredClone"}

// Install defines the globals on vm, each built on first use.
func Install(vm *goja.Runtime) error {
	var url *goja.Object // URL and URLSearchParams come together
	urlModule := func() *goja.Object {
		if url == nil {
			mod := vm.NewObject()
			_ = mod.Set("exports", vm.NewObject())
			nodeurl.Require(vm, mod)
			url = mod.Get("exports").ToObject(vm)
			fixed, err := CallProgram(vm, urlFix(), url.Get("URL"), url.Get("URLSearchParams"))
			if err != nil {
				panic(err)
			}
			_ = url.Set("URL", fixed)
		}
		return url
	}
	builders := map[string]func() goja.Value{
		"URL":             func() goja.Value { return urlModule().Get("URL") },
		"URLSearchParams": func() goja.Value { return urlModule().Get("URLSearchParams") },
		"TextEncoder":     func() goja.Value { return textEncoder(vm) },
		"TextDecoder":     func() goja.Value { return textDecoder(vm) },
		"atob":            func() goja.Value { return vm.ToValue(func(s string) string { return atob(vm, s) }) },
		"btoa":            func() goja.Value { return vm.ToValue(func(s string) string { return btoa(vm, s) }) },
		"base64url":       func() goja.Value { return base64URL(vm) },
		"crypto":          func() goja.Value { return cryptoObject(vm) },
		"structuredClone": func() goja.Value { return structuredClone(vm) },
	}
	for _, name := range Names {
		if err := DefineLazy(vm, vm.GlobalObject(), name, false, builders[name]); err != nil {
			return err
		}
	}
	return installES2024(vm)
}

// DefineLazy defines obj's property name (a global when obj is the global
// object), built by build the first time it is read. The first read or
// assignment replaces it with the plain data property an eager definition
// makes — writable, configurable, enumerable as given (builtins are not,
// azrepl's API globals are) — so from then on scripts cannot tell; before,
// only its descriptor (an accessor) differs. A start-up that defines a global
// this way pays for one function instead of the value.
func DefineLazy(vm *goja.Runtime, obj *goja.Object, name string, enumerable bool, build func() goja.Value) error {
	s := &lazySlot{obj: obj, name: name, enumerable: goja.FLAG_FALSE, build: build}
	if enumerable {
		s.enumerable = goja.FLAG_TRUE
	}
	// One function is both getter and setter: half the cost of two.
	fn := vm.ToValue(s.access)
	return obj.DefineAccessorProperty(name, fn, fn, goja.FLAG_TRUE, s.enumerable)
}

type lazySlot struct {
	obj        *goja.Object
	name       string
	enumerable goja.Flag
	build      func() goja.Value
	value      goja.Value // once built: kept if the property could not be replaced (a frozen obj)
}

// access is the slot's getter (no argument) and setter (one).
func (s *lazySlot) access(call goja.FunctionCall) goja.Value {
	if len(call.Arguments) == 0 {
		if s.value == nil {
			s.value = s.build()
		}
		_ = s.obj.DefineDataProperty(s.name, s.value, goja.FLAG_TRUE, goja.FLAG_TRUE, s.enumerable)
		return s.value
	}
	// Assigned through an heir (Object.create(globalThis).x = v): the heir
	// gets its own property, as with an inherited writable data property.
	if this, ok := call.This.(*goja.Object); ok && !this.SameAs(s.obj) {
		_ = this.DefineDataProperty(s.name, call.Arguments[0], goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_TRUE)
		return goja.Undefined()
	}
	_ = s.obj.DefineDataProperty(s.name, call.Arguments[0], goja.FLAG_TRUE, goja.FLAG_TRUE, s.enumerable)
	return goja.Undefined()
}

// lazyAccess is the code of every slot's function (the method value
// wrapper is one function for all slots), which IsLazy recognises.
var lazyAccess = reflect.ValueOf((&lazySlot{}).access).Pointer()

// IsLazy reports whether fn is the accessor of a DefineLazy slot: reading
// the property then runs azrepl's own Go code, never a script's (the REPL's
// completer, which calls no script code, may read it).
func IsLazy(fn goja.Value) bool {
	if fn == nil {
		return false
	}
	f, ok := fn.Export().(func(goja.FunctionCall) goja.Value)
	return ok && reflect.ValueOf(f).Pointer() == lazyAccess
}

// CallProgram runs prog, whose value is a function (a factory written in
// JavaScript), and calls it with args.
func CallProgram(vm *goja.Runtime, prog *goja.Program, args ...goja.Value) (goja.Value, error) {
	fn, err := vm.RunProgram(prog)
	if err != nil {
		return nil, err
	}
	call, ok := goja.AssertFunction(fn)
	if !ok {
		return nil, fmt.Errorf("%s: not a function", fn)
	}
	return call(goja.Undefined(), args...)
}

// Once returns a getter of the object CallProgram(vm, prog, args...) gives,
// made on the first call (it panics, as a goja getter may, when the
// factory fails: compiled-in code that does not run is a bug).
func Once(vm *goja.Runtime, prog func() *goja.Program, args ...goja.Value) func() *goja.Object {
	var obj *goja.Object
	return func() *goja.Object {
		if obj == nil {
			v, err := CallProgram(vm, prog(), args...)
			if err != nil {
				panic(err)
			}
			obj = v.ToObject(vm)
		}
		return obj
	}
}

// goja_nodejs's URL keeps edits of searchParams apart from the parsed URL
// until toString folds them in, and its href getter does not fold them
// (an edited query vanished from href); its search setter kept a leading
// "?" ("??a=1"). WHATWG's href is toString, and search drops one leading
// "?": scripts build a query with searchParams and pass url.href on.
// goja_nodejs defines them non-configurable, so the fix is a subclass whose
// own accessors shadow them. Both classes also get the REPL's rendering
// method (bindings.REPLMethod, "__repl__"): the REPL printed {} for them.
var urlFix = sync.OnceValue(func() *goja.Program {
	return goja.MustCompile("url-fix.js", `(function (NodeURL, URLSearchParams) {
	Object.defineProperty(URLSearchParams.prototype, "__repl__", {value() { return "URLSearchParams " + JSON.stringify(this.toString()); }});
	return class URL extends NodeURL {
		get href() { return this.toString(); }
		set href(v) { super.href = v; }
		get search() { return super.search; }
		set search(v) { v = String(v); super.search = v.startsWith("?") ? v.slice(1) : v; }
		__repl__() { return "URL " + JSON.stringify(this.href); }
	};
})`, true)
})

// throwError throws a JS error of the given name (TypeError,
// InvalidCharacterError…) with code BAD_ARGUMENT, azrepl's code for a
// function called with an argument of the wrong kind.
func throwError(vm *goja.Runtime, name, msg string) {
	e := vm.NewGoError(fmt.Errorf("%s", msg))
	_ = e.Set("name", name)
	_ = e.Set("code", "BAD_ARGUMENT")
	_ = e.Set("message", msg)
	panic(e)
}

// bytesOf reads a Uint8Array (or any typed array, DataView) or ArrayBuffer.
func bytesOf(vm *goja.Runtime, v goja.Value) ([]byte, bool) {
	switch x := v.Export().(type) {
	case goja.ArrayBuffer:
		return x.Bytes(), true
	case []byte:
		return x, true
	}
	o, ok := v.(*goja.Object)
	if !ok {
		return nil, false
	}
	ab, ok := o.Get("buffer").Export().(goja.ArrayBuffer)
	if !ok {
		return nil, false
	}
	off, n := o.Get("byteOffset").ToInteger(), o.Get("byteLength").ToInteger()
	b := ab.Bytes()
	if off < 0 || n < 0 || off+n > int64(len(b)) {
		return nil, false
	}
	return b[off : off+n], true
}

// uint8Array makes a new Uint8Array holding a copy of b.
func uint8Array(vm *goja.Runtime, b []byte) goja.Value {
	ctor, _ := goja.AssertConstructor(vm.Get("Uint8Array"))
	arr, err := ctor(nil, vm.ToValue(vm.NewArrayBuffer(append([]byte(nil), b...))))
	if err != nil {
		panic(err)
	}
	return arr
}

func textEncoder(vm *goja.Runtime) goja.Value {
	return vm.ToValue(func(call goja.ConstructorCall) *goja.Object {
		o := call.This
		_ = o.Set("encoding", "utf-8")
		_ = o.Set("encode", func(c goja.FunctionCall) goja.Value {
			s := ""
			if a := c.Argument(0); !goja.IsUndefined(a) {
				s = a.String()
			}
			return uint8Array(vm, []byte(strings.ToValidUTF8(s, "\uFFFD")))
		})
		return nil
	})
}

func textDecoder(vm *goja.Runtime) goja.Value {
	return vm.ToValue(func(call goja.ConstructorCall) *goja.Object {
		label := "utf-8"
		if a := call.Argument(0); !goja.IsUndefined(a) {
			label = strings.ToLower(strings.TrimSpace(a.String()))
		}
		if label != "utf-8" && label != "utf8" && label != "unicode-1-1-utf-8" {
			throwError(vm, "RangeError", fmt.Sprintf("TextDecoder: the encoding %q is not supported (only utf-8)", label))
		}
		fatal := false
		if o, ok := call.Argument(1).(*goja.Object); ok {
			fatal = o.Get("fatal") != nil && o.Get("fatal").ToBoolean()
		}
		o := call.This
		_ = o.Set("encoding", "utf-8")
		_ = o.Set("fatal", fatal)
		_ = o.Set("decode", func(c goja.FunctionCall) goja.Value {
			a := c.Argument(0)
			if goja.IsUndefined(a) {
				return vm.ToValue("")
			}
			b, ok := bytesOf(vm, a)
			if !ok {
				throwError(vm, "TypeError", "TextDecoder.decode(bytes): a Uint8Array or ArrayBuffer is expected")
			}
			if fatal && !utf8.Valid(b) {
				throwError(vm, "TypeError", "TextDecoder.decode: the bytes are not valid UTF-8")
			}
			return vm.ToValue(strings.TrimPrefix(strings.ToValidUTF8(string(b), "\uFFFD"), "\uFEFF"))
		})
		return nil
	})
}

// btoa: each character must be a byte (U+0000…U+00FF), as in browsers.
func btoa(vm *goja.Runtime, s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xFF {
			throwError(vm, "InvalidCharacterError", "btoa: the string has a character outside Latin-1; encode text first: btoa(String.fromCharCode(...new TextEncoder().encode(s))) or base64url.encode(s)")
		}
		b = append(b, byte(r))
	}
	return base64.StdEncoding.EncodeToString(b)
}

// atob is forgiving as the WHATWG spec says: white space is ignored and
// padding is optional. Each byte becomes one character.
func atob(vm *goja.Runtime, s string) string {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\n' || r == '\f' || r == '\r' {
			return -1
		}
		return r
	}, s)
	if len(s)%4 == 0 {
		s = strings.TrimSuffix(strings.TrimSuffix(s, "="), "=")
	}
	b, err := base64.RawStdEncoding.DecodeString(s)
	if err != nil {
		throwError(vm, "InvalidCharacterError", "atob: the string is not valid base64")
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// base64URL: encode(string | bytes) → unpadded base64url of the UTF-8 text
// or the bytes; decode(s) → the text (UTF-8), decodeBytes(s) → Uint8Array.
// Padding and standard-alphabet input are accepted (JWT segments, client_info).
func base64URL(vm *goja.Runtime) goja.Value {
	o := vm.NewObject()
	decode := func(s string) []byte {
		s = strings.TrimRight(strings.TrimSpace(s), "=")
		s = strings.NewReplacer("+", "-", "/", "_").Replace(s)
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil {
			throwError(vm, "TypeError", "base64url.decode: not base64url: "+err.Error())
		}
		return b
	}
	_ = o.Set("encode", func(v goja.Value) string {
		if b, ok := bytesOf(vm, v); ok {
			return base64.RawURLEncoding.EncodeToString(b)
		}
		return base64.RawURLEncoding.EncodeToString([]byte(v.String()))
	})
	_ = o.Set("decode", func(s string) string { return strings.ToValidUTF8(string(decode(s)), "\uFFFD") })
	_ = o.Set("decodeBytes", func(s string) goja.Value { return uint8Array(vm, decode(s)) })
	return o
}

func cryptoObject(vm *goja.Runtime) goja.Value {
	o := vm.NewObject()
	_ = o.Set("randomUUID", func() string {
		var b [16]byte
		_, _ = rand.Read(b[:])
		b[6] = b[6]&0x0f | 0x40 // version 4
		b[8] = b[8]&0x3f | 0x80 // RFC 9562 variant
		return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
	})
	_ = o.Set("getRandomValues", func(v goja.Value) goja.Value {
		b, ok := bytesOf(vm, v)
		if !ok {
			throwError(vm, "TypeError", "crypto.getRandomValues(array): a typed array is expected")
		}
		if len(b) > 65536 {
			throwError(vm, "QuotaExceededError", "crypto.getRandomValues: at most 65536 bytes at a time")
		}
		_, _ = rand.Read(b)
		return v
	})
	return o
}

// structuredCloneSource is the HTML structured clone for the values
// scripts pass around: primitives, plain objects, arrays, Date, RegExp,
// Map, Set, ArrayBuffer and typed arrays, errors, cycles and shared
// references kept. Functions and symbols cannot be cloned (DataCloneError).
const structuredCloneSource = `(function structuredClone(value) {
	const seen = new Map();
	const fail = (what) => { const e = new Error("structuredClone: " + what + " could not be cloned"); e.name = "DataCloneError"; e.code = "BAD_ARGUMENT"; throw e; };
	function clone(v) {
		if (typeof v === "function") fail("a function");
		if (typeof v === "symbol") fail("a symbol");
		if (v === null || typeof v !== "object") return v;
		if (seen.has(v)) return seen.get(v);
		let out;
		if (Array.isArray(v)) { out = new Array(v.length); seen.set(v, out); v.forEach((x, i) => { out[i] = clone(x); }); return out; }
		if (v instanceof Date) { out = new Date(v.getTime()); seen.set(v, out); return out; }
		if (v instanceof RegExp) { out = new RegExp(v.source, v.flags); seen.set(v, out); return out; }
		if (v instanceof Map) { out = new Map(); seen.set(v, out); v.forEach((x, k) => out.set(clone(k), clone(x))); return out; }
		if (v instanceof Set) { out = new Set(); seen.set(v, out); v.forEach((x) => out.add(clone(x))); return out; }
		if (v instanceof ArrayBuffer) { out = v.slice(0); seen.set(v, out); return out; }
		if (ArrayBuffer.isView(v)) { out = new v.constructor(clone(v.buffer), v.byteOffset, v instanceof DataView ? v.byteLength : v.length); seen.set(v, out); return out; }
		if (v instanceof Error) { out = new (globalThis[v.name] || Error)(v.message); seen.set(v, out); if (v.name) out.name = v.name; for (const k of Object.keys(v)) out[k] = clone(v[k]); return out; }
		if (v instanceof Promise || v instanceof WeakMap || v instanceof WeakSet) fail("a " + v.constructor.name);
		out = {}; seen.set(v, out);
		for (const k of Object.keys(v)) out[k] = clone(v[k]);
		return out;
	}
	return clone(value);
})`

func structuredClone(vm *goja.Runtime) goja.Value {
	v, err := vm.RunScript("structuredClone", structuredCloneSource)
	if err != nil {
		panic(err)
	}
	return v
}

// SearchParams returns the query string of a URLSearchParams object.
func SearchParams(vm *goja.Runtime, o *goja.Object) (string, bool) {
	ctor := vm.GlobalObject().Get("URLSearchParams")
	if c, ok := ctor.(*goja.Object); !ok || !o.SameAs(o) || !isInstance(vm, o, c) {
		return "", false
	}
	return o.String(), true
}

func isInstance(vm *goja.Runtime, o, ctor *goja.Object) bool {
	proto, ok := ctor.Get("prototype").(*goja.Object)
	if !ok {
		return false
	}
	for p := o.Prototype(); p != nil; p = p.Prototype() {
		if p.SameAs(proto) {
			return true
		}
	}
	return false
}
