package jsweb

import (
	"sync"

	"github.com/dop251/goja"
)

// ES2024 builtins goja does not have yet, which snippets use on API answers
// (`Object.groupBy(users, u => u.department)`): Object.groupBy, Map.groupBy,
// Promise.withResolvers, Array.fromAsync (over iterables and array-likes:
// goja has no async iterators). Each is built the first time it is read.
var es2024Source = sync.OnceValue(func() *goja.Program {
	return goja.MustCompile("es2024.js", `(function () {
	const callable = (fn, what) => { if (typeof fn !== "function") throw new TypeError(what + ": callback must be a function"); };
	const fns = {
		objectGroupBy(items, callback) {
			callable(callback, "Object.groupBy");
			const out = Object.create(null);
			let i = 0;
			for (const v of items) {
				const k = callback(v, i++);
				const key = typeof k === "symbol" ? k : String(k);
				if (Object.prototype.hasOwnProperty.call(out, key)) out[key].push(v); else out[key] = [v];
			}
			return out;
		},
		mapGroupBy(items, callback) {
			callable(callback, "Map.groupBy");
			const out = new Map();
			let i = 0;
			for (const v of items) {
				let k = callback(v, i++);
				if (k === 0) k = 0; // -0 → +0, as Map keys
				const list = out.get(k);
				if (list) list.push(v); else out.set(k, [v]);
			}
			return out;
		},
		withResolvers() {
			let resolve, reject;
			const promise = new this((res, rej) => { resolve = res; reject = rej; });
			return {promise, resolve, reject};
		},
		async fromAsync(items, mapFn, thisArg) {
			if (mapFn !== undefined) callable(mapFn, "Array.fromAsync");
			const out = [];
			let i = 0;
			for (const v of (items != null && typeof items[Symbol.iterator] === "function") ? items : Array.from(items)) {
				const x = await v;
				out.push(mapFn ? await mapFn.call(thisArg, x, i) : x);
				i++;
			}
			return out;
		},
	};
	const names = {objectGroupBy: "groupBy", mapGroupBy: "groupBy", withResolvers: "withResolvers", fromAsync: "fromAsync"};
	for (const [k, n] of Object.entries(names)) Object.defineProperty(fns[k], "name", {value: n});
	return fns;
})`, true)
})

// installES2024 defines the builtins above on Object, Map, Promise and Array.
func installES2024(vm *goja.Runtime) error {
	fns := Once(vm, es2024Source)
	for _, d := range []struct{ ctor, name, fn string }{
		{"Object", "groupBy", "objectGroupBy"},
		{"Map", "groupBy", "mapGroupBy"},
		{"Promise", "withResolvers", "withResolvers"},
		{"Array", "fromAsync", "fromAsync"},
	} {
		ctor := vm.Get(d.ctor).ToObject(vm)
		if v := ctor.Get(d.name); v != nil && !goja.IsUndefined(v) {
			continue // a goja that has it: its own
		}
		if err := DefineLazy(vm, ctor, d.name, false, func() goja.Value { return fns().Get(d.fn) }); err != nil {
			return err
		}
	}
	return nil
}
