package bindings

import (
	"errors"

	"github.com/dop251/goja"
)

// Error is a Go error that scripts can inspect: when it becomes a JS error
// (Throw, ErrorValue) each non-zero field becomes a property of the same name
// in lower camel case (status, code, aadsts, hint, exitCode).
// The runtime prints an uncaught one as `file:line:col: CODE: message` and
// exits with ExitCode when set.
type Error struct {
	Name     string // JS error name; default "Error"
	Message  string // one readable line, never a secret
	Code     string // service or azrepl error code, e.g. "FORBIDDEN", "Authorization_RequestDenied"
	Status   int    // HTTP status, when there was one
	AADSTS   string // Entra error code, e.g. "AADSTS70000"
	Hint     string // the usual cause and what to do
	ExitCode int    // exit code of `azrepl run` when uncaught; 0 = default (1)
	Err      error  // the cause, for errors.Is/As in Go
}

func (e *Error) Error() string {
	if e.Code != "" {
		return e.Code + ": " + e.Message
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// ErrorValue builds a JS Error object from err. A *Error anywhere in err's
// chain contributes its fields; other errors give a plain Error with
// err.Error() as message. The Go error stays reachable from Go (the object
// is a goja GoError, so Exception.Unwrap returns err).
func ErrorValue(rt *goja.Runtime, err error) *goja.Object {
	obj := rt.NewGoError(err)
	var e *Error
	if !errors.As(err, &e) {
		_ = obj.Set("name", "Error")
		return obj
	}
	name := e.Name
	if name == "" {
		name = "Error"
	}
	_ = obj.Set("name", name)
	_ = obj.Set("message", e.Message)
	setIf := func(k string, v any, ok bool) {
		if ok {
			_ = obj.Set(k, v)
		}
	}
	setIf("code", e.Code, e.Code != "")
	setIf("status", e.Status, e.Status != 0)
	setIf("aadsts", e.AADSTS, e.AADSTS != "")
	setIf("hint", e.Hint, e.Hint != "")
	setIf("exitCode", e.ExitCode, e.ExitCode != 0)
	return obj
}

// Throw raises err in JS as ErrorValue(rt, err). It panics, as goja expects
// from a Go function that throws; call it only from a function called by JS.
func Throw(rt *goja.Runtime, err error) {
	panic(ErrorValue(rt, err))
}
