package runtime

import (
	"sync"
	"time"

	"github.com/azrepl/azrepl/bindings"
	"github.com/azrepl/azrepl/jsweb"
	"github.com/dop251/goja"
)

func init() {
	bindings.Register(bindings.Binding{Name: "AbortController", Also: []string{"AbortSignal"}, Help: `AbortController, AbortSignal — cancel a fetch as in browsers and Node
  const c = new AbortController(); fetch(url, {signal: c.signal}); c.abort()   → rejects with AbortError
  fetch(url, {signal: AbortSignal.timeout(5000)})                              → TimeoutError after 5 s
  AbortSignal.abort(reason), AbortSignal.any([s1, s2]); signal.aborted, .reason, .throwIfAborted(),
  .addEventListener("abort", fn), .onabort. A pending AbortSignal.timeout does not keep a script running.`})
}

// The classes are plain JavaScript (they only hold state and call
// listeners); Go gives them one thing JS has not: a timer that does not keep
// a script running. DOMException (goja has none) is the reasons' class.
// They are built the first time a script names one of them.
var abortSource = sync.OnceValue(func() *goja.Program {
	return goja.MustCompile("abort.js", `(function (weakTimeout) {
	class DOMException extends Error {
		constructor(message = "", name = "Error") { super(message); Object.defineProperty(this, "name", {value: String(name), writable: true, configurable: true}); }
	}
	const state = new WeakMap();
	const make = () => { const s = Object.create(AbortSignal.prototype); state.set(s, {aborted: false, reason: undefined, listeners: [], onabort: null}); return s; };
	const get = (s) => { const st = state.get(s); if (!st) throw new TypeError("not an AbortSignal"); return st; };
	const abort = (s, reason) => {
		const st = get(s);
		if (st.aborted) return;
		st.aborted = true;
		st.reason = reason === undefined ? new DOMException("This operation was aborted", "AbortError") : reason;
		const ev = {type: "abort", target: s};
		const fns = st.listeners.splice(0);
		if (typeof st.onabort === "function") fns.unshift(st.onabort);
		for (const fn of fns) fn.call(s, ev);
	};
	class AbortSignal {
		constructor() { throw new TypeError("Illegal constructor: use new AbortController().signal"); }
		get aborted() { return get(this).aborted; }
		get reason() { return get(this).reason; }
		get onabort() { return get(this).onabort; }
		set onabort(fn) { get(this).onabort = fn; }
		throwIfAborted() { const st = get(this); if (st.aborted) throw st.reason; }
		addEventListener(type, fn, opts) {
			const st = get(this);
			if (type !== "abort" || typeof fn !== "function" || st.aborted || st.listeners.includes(fn)) return;
			if (opts && typeof opts === "object" && opts.once) { const once = (e) => { this.removeEventListener("abort", once); fn.call(this, e); }; st.listeners.push(once); return; }
			st.listeners.push(fn);
		}
		removeEventListener(type, fn) { const st = get(this); const i = st.listeners.indexOf(fn); if (type === "abort" && i >= 0) st.listeners.splice(i, 1); }
		static abort(reason) { const s = make(); abort(s, reason); return s; }
		static timeout(ms) {
			const s = make();
			weakTimeout(() => abort(s, new DOMException("The operation was aborted due to timeout", "TimeoutError")), Number(ms));
			return s;
		}
		static any(signals) {
			const s = make();
			for (const x of signals) { if (x.aborted) { abort(s, x.reason); return s; } }
			for (const x of signals) x.addEventListener("abort", () => abort(s, x.reason));
			return s;
		}
		__repl__() { const st = get(this); return st.aborted ? "AbortSignal { aborted: true }" : "AbortSignal { aborted: false }"; }
	}
	Object.defineProperty(AbortSignal.prototype, Symbol.toStringTag, {value: "AbortSignal", configurable: true});
	class AbortController {
		#signal = make();
		get signal() { return this.#signal; }
		abort(reason) { abort(this.#signal, reason); }
	}
	return {AbortController, AbortSignal, DOMException};
})`, true)
})

// installAbort defines AbortController, AbortSignal and DOMException.
func (r *Runtime) installAbort() error {
	vm := r.vm
	classes := jsweb.Once(vm, abortSource, vm.ToValue(r.weakTimeout))
	for _, name := range []string{"AbortController", "AbortSignal", "DOMException"} {
		if err := jsweb.DefineLazy(vm, vm.GlobalObject(), name, false, func() goja.Value { return classes().Get(name) }); err != nil {
			return err
		}
	}
	return nil
}

// weakTimeout(fn, ms) calls fn after ms if the script still runs then.
func (r *Runtime) weakTimeout(call goja.FunctionCall) goja.Value {
	fn, ok := goja.AssertFunction(call.Argument(0))
	if !ok {
		return goja.Undefined()
	}
	d := time.Duration(0)
	if f := call.Argument(1).ToFloat(); f == f && f > 0 {
		d = time.Duration(f * float64(time.Millisecond))
	}
	r.ev.add(&timer{fn: fn, weak: true}, d, false)
	return goja.Undefined()
}
