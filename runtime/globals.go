package runtime

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/azrepl/azrepl/bindings"
	"github.com/azrepl/azrepl/errcode"
	"github.com/azrepl/azrepl/httpx"
	"github.com/azrepl/azrepl/jsweb"
	"github.com/dop251/goja"
)

// Help texts of the globals the runtime defines itself; .help lists them
// beside the bindings.
func init() {
	for _, b := range []bindings.Binding{
		{Name: "console", Help: `console.log(...values) — print to stdout; console.error / console.warn print to stderr
  Strings print as they are, other values as indented JSON.`},
		{Name: "require", Help: `require(path) — load a snippet file (CommonJS: module.exports / exports)
  "./x.js" and "../lib/y" resolve relative to the requiring file and must stay inside the
  script's folder (the working folder in the REPL). "` + BundledPrefix + `NAME" loads a
  snippet bundled in azrepl (the repository's scripts/ folder) from anywhere.`},
		{Name: "args", Help: `args — the script's arguments: azrepl run FILE a b  →  args == ["a", "b"]`},
		{Name: "env", Help: `env — the environment variables, read-only: env.HOME, env.AZURE_TENANT_ID`},
		{Name: "exit", Help: `exit(code) — stop the script (or leave the REPL) with that exit code (default 0)`},
	} {
		bindings.Register(b)
	}
}

func (r *Runtime) installGlobals(opts Options) error {
	vm := r.vm
	printer := func(w io.Writer) func(goja.FunctionCall) goja.Value {
		return func(call goja.FunctionCall) goja.Value {
			if body, ok := wholeBody(opts, w, call.Arguments); ok {
				_, _ = w.Write(body)
				return goja.Undefined()
			}
			parts := make([]string, len(call.Arguments))
			for i, a := range call.Arguments {
				if s, ok := plainString(a); ok {
					// Text from a server may hold terminal escape sequences: shown escaped.
					parts[i] = httpx.EscapeControls(s)
				} else {
					parts[i] = Format(vm, a, false)
				}
			}
			fmt.Fprintln(w, strings.Join(parts, " "))
			return goja.Undefined()
		}
	}
	// Taken now: a script may replace Object.freeze before env is built.
	freeze, ok := goja.AssertFunction(vm.Get("Object").ToObject(vm).Get("freeze"))
	if !ok {
		return errors.New("the Object.freeze builtin is missing")
	}
	// console and env are built on first use: -e 1 needs neither, and env
	// is an object of every environment variable.
	newConsole := func() goja.Value {
		console := vm.NewObject()
		for name, w := range map[string]io.Writer{"log": opts.Stdout, "info": opts.Stdout, "debug": opts.Stdout, "error": opts.Stderr, "warn": opts.Stderr} {
			_ = console.Set(name, printer(w))
		}
		return console
	}
	newEnv := func() goja.Value {
		env := vm.NewObject()
		for _, kv := range opts.Environ {
			if k, v, ok := strings.Cut(kv, "="); ok && k != "" {
				_ = env.Set(k, v)
			}
		}
		if _, err := freeze(goja.Undefined(), env); err != nil {
			panic(err)
		}
		return env
	}
	args := make([]any, len(opts.Args))
	for i, a := range opts.Args {
		args[i] = a
	}
	exit := func(call goja.FunctionCall) goja.Value {
		code := 0
		if a := call.Argument(0); !goja.IsUndefined(a) {
			n, isNum := a.Export().(int64)
			if f, ok := a.Export().(float64); ok && f == float64(int64(f)) {
				n, isNum = int64(f), true
			}
			if !isNum || n < 0 || n > 255 {
				bindings.Throw(vm, &bindings.Error{Name: "TypeError", Code: errcode.BadArgument,
					Message: "exit(code): an integer from 0 to 255 is expected"})
			}
			code = int(n)
		}
		// Interrupt is uncatchable: try/finally cannot keep the script alive.
		vm.Interrupt(&ExitError{Code: code})
		return goja.Undefined()
	}
	for name, v := range map[string]any{
		"args":    vm.NewArray(args...),
		"exit":    exit,
		"require": r.mods.requireFunc(r.mods.roots[0], false),
	} {
		if err := vm.Set(name, v); err != nil {
			return err
		}
	}
	for name, build := range map[string]func() goja.Value{"console": newConsole, "env": newEnv} {
		if err := jsweb.DefineLazy(vm, vm.GlobalObject(), name, true, build); err != nil {
			return err
		}
	}
	return nil
}

// wholeBody is what console.log prints for a lone Response when stdout is
// not a terminal (Options.WholeBodies): its body as it came, so that
// `azrepl run x.js | jq` gets JSON.
func wholeBody(opts Options, w io.Writer, args []goja.Value) ([]byte, bool) {
	if !opts.WholeBodies || w != opts.Stdout || len(args) != 1 {
		return nil, false
	}
	body, ok := ResponseBody(args[0])
	return WholeBody(body), ok
}

var jsonSourceType = reflect.TypeOf((*bindings.JSONSource)(nil)).Elem()

// ResponseBody is the body of an HTTP Response value (the one Go value
// that is a bindings.JSONSource); ok is false for any other value. The
// export type is checked first: exporting a plain object would run its
// getters. Call it on the runtime's goroutine.
func ResponseBody(v goja.Value) (body []byte, ok bool) {
	obj, isObj := v.(*goja.Object)
	if !isObj {
		return nil, false
	}
	if t := obj.ExportType(); t == nil || !t.Implements(jsonSourceType) {
		return nil, false
	}
	src, ok := obj.Export().(bindings.JSONSource)
	if !ok {
		return nil, false
	}
	return src.JSON(), true
}

// WholeBody is a body to print exactly as it came, with a final newline
// added only after JSON (which does not need one, and a shell prompt does).
func WholeBody(body []byte) []byte {
	if len(body) > 0 && body[len(body)-1] != '\n' && json.Valid(body) {
		return append(body[:len(body):len(body)], '\n')
	}
	return body
}
