package runtime

import (
	"reflect"

	"github.com/azrepl/azrepl/jsweb"
	"github.com/dop251/goja"
)

var proxyType = reflect.TypeOf(goja.Proxy{})

// IsProxy reports whether obj is a Proxy: reading anything of it (keys,
// prototype, properties) would run its traps, which are script code.
func IsProxy(obj *goja.Object) bool { return obj != nil && obj.ExportType() == proxyType }

// OwnData reads obj's own data property name without running any script
// code: no getter, no Proxy trap, and not a getOwnPropertyDescriptor the
// script replaced (the builtin is kept from before any script ran).
// ok is false for a missing property, an accessor, a Proxy, or a failure.
func (r *Runtime) OwnData(obj *goja.Object, name string) (v goja.Value, ok bool) {
	if obj == nil || IsProxy(obj) || r.gopd == nil {
		return nil, false
	}
	defer func() {
		if recover() != nil {
			v, ok = nil, false
		}
	}()
	d, err := r.gopd(goja.Undefined(), obj, r.vm.ToValue(name))
	if err != nil || d == nil || goja.IsUndefined(d) {
		return nil, false
	}
	desc := d.ToObject(r.vm)
	if g := desc.Get("get"); g != nil {
		if jsweb.IsLazy(g) {
			return obj.Get(name), true // a global not built yet: azrepl's Go code builds it
		}
		return nil, false // an accessor (its getter may be undefined, but it is one)
	}
	return desc.Get("value"), true
}
