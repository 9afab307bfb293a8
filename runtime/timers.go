package runtime

import (
	"context"
	"time"

	"github.com/azrepl/azrepl/bindings"
	"github.com/azrepl/azrepl/errcode"
	"github.com/dop251/goja"
)

func init() {
	bindings.Register(bindings.Binding{Name: "setTimeout", Also: []string{"setInterval", "clearTimeout", "clearInterval"}, Help: `setTimeout(fn, ms, ...args) / setInterval(fn, ms, ...args) → id; clearTimeout(id) / clearInterval(id)
  Timers fire in order of their time, then of their setting. A script ends when none is pending;
  Ctrl-C cancels them all.`})
	bindings.Register(bindings.Binding{Name: "sleep", Help: `sleep(ms) — wait, blocking (for simple scripts); Ctrl-C stops it
  In async code use await delay(ms), which lets timers and requests go on meanwhile.`})
	bindings.Register(bindings.Binding{Name: "URL", Also: []string{"URLSearchParams"}, Help: `URL, URLSearchParams — WHATWG URLs (goja_nodejs)
  new URL(url, base?): href, origin, protocol, host, hostname, port, pathname, search, hash, searchParams
  new URLSearchParams("a=1&b=2" | {a: "1"}): get, getAll, set, append, delete, has, toString()
  Example: new URL("/v1.0/me?$top=5", "https://graph.microsoft.com").searchParams.get("$top")`})
	bindings.Register(bindings.Binding{Name: "delay", Help: `delay(ms) → Promise resolved after ms: await delay(500)
  Top-level await works in the REPL, -e and azrepl run; the REPL prints what a Promise settles to.`})
}

// installTimers defines the timer globals of the event loop.
func (r *Runtime) installTimers() error {
	vm := r.vm
	ms := func(v goja.Value) time.Duration {
		if v == nil || goja.IsUndefined(v) {
			return 0
		}
		f := v.ToFloat()
		if f != f || f < 0 { // NaN, negative: at once, as browsers do
			return 0
		}
		return time.Duration(f * float64(time.Millisecond))
	}
	set := func(interval bool, name string) func(goja.FunctionCall) goja.Value {
		return func(call goja.FunctionCall) goja.Value {
			fn, ok := goja.AssertFunction(call.Argument(0))
			if !ok {
				bindings.Throw(vm, &bindings.Error{Name: "TypeError", Code: errcode.BadArgument, Message: name + "(fn, ms): fn must be a function"})
			}
			var args []goja.Value
			if len(call.Arguments) > 2 {
				args = append(args, call.Arguments[2:]...)
			}
			return vm.ToValue(r.ev.addTimer(fn, ms(call.Argument(1)), interval, args))
		}
	}
	clearT := func(call goja.FunctionCall) goja.Value {
		if a := call.Argument(0); !goja.IsUndefined(a) && !goja.IsNull(a) {
			r.ev.clearTimer(a.ToInteger())
		}
		return goja.Undefined()
	}
	// sleep and delay are azrepl's own: "5s" is a mistake, not 0 ms as
	// setTimeout's browser rules would read it.
	sleep := func(call goja.FunctionCall) goja.Value {
		bindings.CheckNumberArg(vm, "sleep(ms)", "ms", call.Argument(0))
		t := time.NewTimer(ms(call.Argument(0)))
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.env.Context().Done():
			// Ctrl-C: the runtime's interrupt ends the script right after.
			bindings.Throw(vm, &bindings.Error{Code: errcode.Cancelled, Message: "interrupted", Err: context.Canceled})
		}
		return goja.Undefined()
	}
	delay := func(call goja.FunctionCall) goja.Value {
		bindings.CheckNumberArg(vm, "delay(ms)", "ms", call.Argument(0))
		p, resolve, _ := vm.NewPromise()
		id := r.ev.addTimer(nil, ms(call.Argument(0)), false, nil)
		r.ev.byID[id].resolve = func() { _ = resolve(goja.Undefined()) }
		return vm.ToValue(p)
	}
	for name, f := range map[string]func(goja.FunctionCall) goja.Value{
		"setTimeout":    set(false, "setTimeout"),
		"setInterval":   set(true, "setInterval"),
		"clearTimeout":  clearT,
		"clearInterval": clearT,
		"sleep":         sleep,
		"delay":         delay,
	} {
		if err := vm.Set(name, f); err != nil {
			return err
		}
	}
	return nil
}
