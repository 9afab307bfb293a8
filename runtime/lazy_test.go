package runtime

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/azrepl/azrepl/bindings"
	"github.com/azrepl/azrepl/jsweb"
	"github.com/dop251/goja"
)

// probeBuilds counts the builds of the lazyProbe binding.
var probeBuilds atomic.Int32

func init() {
	bindings.Register(bindings.Binding{Name: "lazyProbe", Help: "lazyProbe — a test binding that counts its builds",
		Value: func(env *bindings.Env, rt *goja.Runtime) (goja.Value, error) {
			n := probeBuilds.Add(1)
			o := rt.NewObject()
			_ = o.Set("build", n)
			return o, nil
		}})
}

// TestBindingBuiltOnFirstUse: a binding with a Value is built when a script
// first reads it, once per runtime, and not by listing or testing globals.
func TestBindingBuiltOnFirstUse(t *testing.T) {
	probeBuilds.Store(0)
	rt, _, _ := newTestRuntime(t, Options{})
	for _, src := range []string{`1 + 1`, `Object.keys(globalThis).includes("lazyProbe")`, `"lazyProbe" in globalThis`, `Object.getOwnPropertyNames(globalThis).length > 0`} {
		evalString(t, rt, src)
	}
	if n := probeBuilds.Load(); n != 0 {
		t.Fatalf("built %d times before its first use", n)
	}
	if got := evalString(t, rt, `[typeof lazyProbe, lazyProbe.build, globalThis.lazyProbe === lazyProbe].join()`); got != "object,1,true" {
		t.Fatal(got)
	}
	if got := evalString(t, rt, `lazyProbe.build`); got != "1" || probeBuilds.Load() != 1 {
		t.Fatalf("%s, %d builds", got, probeBuilds.Load())
	}
	// Replaced before its first use: never built.
	probeBuilds.Store(0)
	rt2, _, _ := newTestRuntime(t, Options{})
	if got := evalString(t, rt2, `lazyProbe = 4; lazyProbe`); got != "4" || probeBuilds.Load() != 0 {
		t.Fatalf("%s, %d builds", got, probeBuilds.Load())
	}
}

// TestBindingBuildErrorThrown: a binding whose Value fails throws to the
// script that touched it, and stays unbuilt.
func TestBindingBuildErrorThrown(t *testing.T) {
	rt, _, _ := newTestRuntime(t, Options{})
	rt.Do(func(vm *goja.Runtime) {
		_ = jsweb.DefineLazy(vm, vm.GlobalObject(), "failing", true, func() goja.Value {
			bindings.Throw(vm, errors.New("no client"))
			return nil
		})
	})
	for range 2 {
		if got := evalString(t, rt, `try { failing; "no error" } catch (e) { e.message }`); got != "no client" {
			t.Fatal(got)
		}
	}
}

// lazyGlobals are the globals built on first use, with what a script saw of
// them when every global was built up front: typeof and enumerability.
var lazyGlobals = []struct {
	name, typ  string
	enumerable bool
}{
	{"console", "object", true}, {"env", "object", true},
	{"graph", "object", true}, {"arm", "object", true}, {"http", "object", true}, {"fs", "object", true},
	{"databricks", "function", true}, {"fetch", "function", true}, {"jwt", "function", true},
	{"q", "function", true}, {"token", "function", true}, {"trace", "function", true},
	{"URL", "function", false}, {"URLSearchParams", "function", false}, {"TextEncoder", "function", false},
	{"TextDecoder", "function", false}, {"atob", "function", false}, {"base64url", "object", false},
	{"crypto", "object", false}, {"structuredClone", "function", false},
	{"AbortController", "function", false}, {"AbortSignal", "function", false}, {"DOMException", "function", false},
}

// descriptor is the JS expression of globalThis[name]'s descriptor, as text.
func descriptor(name string) string {
	return fmt.Sprintf(`(d => [typeof d.value, d.writable, d.enumerable, d.configurable, "get" in d].join())(Object.getOwnPropertyDescriptor(globalThis, %q))`, name)
}

// TestLazyGlobalsBehaveAsEagerOnes: before and after its first use a lazy
// global is what the eagerly built one was to scripts (these expectations
// were checked against the runtime that built every global in New).
func TestLazyGlobalsBehaveAsEagerOnes(t *testing.T) {
	for _, g := range lazyGlobals {
		t.Run(g.name, func(t *testing.T) {
			n, e := g.name, fmt.Sprint(g.enumerable)
			steps := func(evals ...[2]string) {
				t.Helper()
				rt, _, _ := newTestRuntime(t, Options{})
				for _, ev := range evals {
					if got := evalString(t, rt, ev[0]); got != ev[1] {
						t.Errorf("%s\n got %s\nwant %s", ev[0], got, ev[1])
					}
				}
			}
			listed := fmt.Sprintf(`[Object.keys(globalThis).includes(%[1]q), %[1]q in globalThis, Object.getOwnPropertyNames(globalThis).includes(%[1]q), globalThis.propertyIsEnumerable(%[1]q)].join()`, n)
			// Enumeration and `in` before the first use, then the first use,
			// then the same again, and a plain data property from then on.
			steps(
				[2]string{listed, e + ",true,true," + e},
				[2]string{"typeof " + n, g.typ},
				[2]string{descriptor(n), g.typ + ",true," + e + ",true,false"},
				[2]string{listed, e + ",true,true," + e},
				[2]string{fmt.Sprintf("%[1]s === globalThis.%[1]s && %[1]s === globalThis.%[1]s", n), "true"},
			)
			// Assignment before the first use, sloppy and strict.
			steps([2]string{n + " = 1; " + n, "1"}, [2]string{descriptor(n), "number,true," + e + ",true,false"})
			steps([2]string{`"use strict"; ` + n + " = 2; " + n, "2"}, [2]string{descriptor(n), "number,true," + e + ",true,false"})
			steps([2]string{"globalThis." + n + " = 3; " + n, "3"})
			// delete before the first use.
			steps([2]string{fmt.Sprintf("[delete %[1]s, typeof %[1]s, %[1]q in globalThis].join()", n), "true,undefined,false"})
			// A top-level let shadows the global, which stays as it was.
			steps(
				[2]string{"let " + n + " = 5; " + n, "5"},
				[2]string{fmt.Sprintf("[typeof %[1]s, typeof globalThis.%[1]s].join()", n), "number," + g.typ},
				[2]string{"typeof " + n, "number"},
				[2]string{descriptor(n), g.typ + ",true," + e + ",true,false"},
			)
			// The same with top-level await (var + assignment inside the wrapper).
			steps(
				[2]string{"let " + n + " = await 6; " + n, "6"},
				[2]string{fmt.Sprintf("[typeof %[1]s, typeof globalThis.%[1]s].join()", n), "number,number"},
			)
			// var keeps the global; a function declaration replaces it.
			steps([2]string{"var " + n + "; typeof " + n, g.typ})
			steps([2]string{"function " + n + "() { return 7 }; " + n + "()", "7"}, [2]string{descriptor(n), "function,true,true,false,false"})
			// Inherited through the prototype chain, then shadowed on the heir.
			steps([2]string{fmt.Sprintf("const o = Object.create(globalThis); o.%[1]s = 8; [o.%[1]s, typeof globalThis.%[1]s, Object.keys(o).includes(%[1]q)].join()", n), "8," + g.typ + ",true"})
		})
	}
}

// TestLazyEnvFrozen: env is built from Options.Environ and frozen.
func TestLazyEnvFrozen(t *testing.T) {
	rt, _, _ := newTestRuntime(t, Options{Environ: []string{"LAZY_A=1", "LAZY_B=x=y", "=skip"}})
	for src, want := range map[string]string{
		`Object.isFrozen(env)`:    "true",
		`Object.keys(env).join()`: "LAZY_A,LAZY_B",
		`env.LAZY_B`:              "x=y",
		`env.LAZY_A = "2"; env.LAZY_C = "3"; [env.LAZY_A, env.LAZY_C].join()`:              "1,",
		`(() => { "use strict"; try { env.LAZY_A = "2" } catch (e) { return e.name } })()`: "TypeError",
		`env === globalThis.env`: "true",
	} {
		if got := evalString(t, rt, src); got != want {
			t.Errorf("%s: got %s, want %s", src, got, want)
		}
	}
}

// TestLazyGlobalsWithGo: Go code that reads a global (a binding reading
// env, the REPL's completer) sees the built value; an untouched global is
// listed by the completer's walk like any other.
func TestLazyGlobalsWithGo(t *testing.T) {
	rt, _, _ := newTestRuntime(t, Options{Environ: []string{"LAZY_A=1"}})
	rt.Do(func(vm *goja.Runtime) {
		if v := vm.Get("env"); v == nil || v.ToObject(vm).Get("LAZY_A").String() != "1" {
			t.Errorf("env from Go: %v", v)
		}
		names := strings.Join(vm.GlobalObject().GetOwnPropertyNames(), ",")
		for _, g := range lazyGlobals {
			if !strings.Contains(","+names+",", ","+g.name+",") {
				t.Errorf("%s is not an own property name", g.name)
			}
		}
		// The completer reads a parent with OwnData: a lazy global is built.
		v, ok := rt.OwnData(vm.GlobalObject(), "graph")
		if !ok || v == nil || v.ToObject(vm).Get("beta") == nil {
			t.Errorf("OwnData(graph) = %v, %v", v, ok)
		}
	})
	// A getter of the script's own is still refused.
	if got := evalString(t, rt, `Object.defineProperty(globalThis, "mine", {get() { throw new Error("ran") }, configurable: true}); 1`); got != "1" {
		t.Fatal(got)
	}
	rt.Do(func(vm *goja.Runtime) {
		if v, ok := rt.OwnData(vm.GlobalObject(), "mine"); ok {
			t.Errorf("OwnData(mine) = %v", v)
		}
	})
}
