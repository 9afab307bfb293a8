package bindings

import (
	"fmt"
	"slices"
	"strings"

	"github.com/azrepl/azrepl/errcode"
	"github.com/azrepl/azrepl/internal/suggest"
	"github.com/dop251/goja"
)

// Arguments are checked before anything is sent: a value of the wrong type
// is one BAD_ARGUMENT TypeError that names the call and the parameter
// ("token(scope, opts): scope must be a string, not an object"), never a
// request for "[object Object]". Options objects are read by DecodeOptions.

// argError is a bad argument of fn, e.g. fn "graph.get(path, opts)".
func argError(fn, msg string) *Error {
	return &Error{Name: "TypeError", Code: errcode.BadArgument, Message: fn + ": " + msg}
}

// given: an argument other than undefined and null.
func given(v goja.Value) bool {
	return v != nil && !goja.IsUndefined(v) && !goja.IsNull(v)
}

// stringArg is fn's string parameter param; it throws when v is missing
// or not a string.
func stringArg(rt *goja.Runtime, fn, param string, v goja.Value) string {
	if !given(v) {
		Throw(rt, argError(fn, param+" is missing"))
	}
	return optionalStringArg(rt, fn, param, v)
}

// optionalStringArg is stringArg where undefined and null mean "".
func optionalStringArg(rt *goja.Runtime, fn, param string, v goja.Value) string {
	if !given(v) {
		return ""
	}
	s, ok := v.Export().(string)
	if !ok {
		msg := fmt.Sprintf("%s must be a string, not %s", param, typeName(v))
		if o, isObj := v.(*goja.Object); isObj && o.ClassName() == "Object" {
			msg += " (options go after it)"
		}
		Throw(rt, argError(fn, msg))
	}
	return s
}

// CheckNumberArg throws when fn's parameter param is given (not undefined
// or null) and is not a number; for globals the runtime defines (sleep).
func CheckNumberArg(rt *goja.Runtime, fn, param string, v goja.Value) {
	if !given(v) {
		return
	}
	if _, ok := number(v.Export()); !ok {
		Throw(rt, argError(fn, fmt.Sprintf("%s must be a number, not %s", param, typeName(v))))
	}
}

// checkFlow: flow is "" or one of flows (in any case when anyCase), else
// an error naming the flow most likely meant.
func checkFlow(fn, flow string, flows []string, anyCase bool) error {
	if flow == "" || slices.Contains(flows, flow) || (anyCase && slices.Contains(flows, strings.ToLower(flow))) {
		return nil
	}
	return argError(fn, fmt.Sprintf("unknown flow %q%s (flows: %s)", flow, suggest.DidYouMean(flow, flows), strings.Join(flows, ", ")))
}

// isURLValue: a string, or an object with a string href (a URL).
func isURLValue(v goja.Value) bool {
	if o, ok := v.(*goja.Object); ok {
		h := o.Get("href")
		if h == nil {
			return false
		}
		_, ok = h.Export().(string)
		return ok
	}
	_, ok := v.Export().(string)
	return ok
}

// functionArg is fn's function parameter param.
func functionArg(rt *goja.Runtime, fn, param string, v goja.Value) goja.Callable {
	f, ok := goja.AssertFunction(v)
	if !ok {
		Throw(rt, argError(fn, fmt.Sprintf("%s must be a function, not %s", param, typeName(v))))
	}
	return f
}

// arrayArg is fn's array parameter param, what its items are named in what.
func arrayArg(rt *goja.Runtime, fn, param, what string, v goja.Value) *goja.Object {
	o, ok := v.(*goja.Object)
	if !ok || o.ClassName() != "Array" {
		Throw(rt, argError(fn, fmt.Sprintf("%s must be an array of %s, not %s", param, what, typeName(v))))
	}
	return o
}
