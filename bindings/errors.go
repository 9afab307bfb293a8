package bindings

import (
	"errors"

	"github.com/dop251/goja"

	"github.com/azrepl/azrepl/errcode"
)

// Error is a Go error that scripts can inspect: when it becomes a JS error
// (Throw, ErrorValue) each non-zero field becomes a property of the same name
// in lower camel case (status, code, aadsts, hint), and exitCode is the
// exit status the code calls for (errcode.Exit: throw sites never choose it).
// The runtime prints an uncaught one as `file:line:col: CODE: message`.
type Error struct {
	Name    string // JS error name; default "Error"
	Message string // one readable line, never a secret
	Code    string // a code of errcode's table; "" = classified by errcode.Of, else FAILED
	Status  int    // HTTP status, when there was one
	AADSTS  string // Entra error code, e.g. "AADSTS70000"
	Hint    string // the usual cause and what to do
	Err     error  // the cause, for errors.Is/As in Go
	// At is "file:line:col" of the script call an asynchronous failure
	// belongs to (fetch rejects from the event loop, where no script
	// frame is running); the runtime prints it when the error has no
	// position of its own.
	At string
}

func (e *Error) Error() string {
	if e.Code != "" {
		return e.Code + ": " + e.Message
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// ErrorCode is the error's code for errcode.Of ("" lets its cause decide).
func (e *Error) ErrorCode() string { return e.Code }

// ErrorValue builds a JS Error object from err. A *Error anywhere in err's
// chain contributes its fields; other errors give an Error with
// err.Error() as message. Either way the object carries a code of the
// table (errcode.Of's kind, else FAILED) and its exitCode. The Go error stays reachable from Go (the object
// is a goja GoError, so Exception.Unwrap returns err).
func ErrorValue(rt *goja.Runtime, err error) *goja.Object {
	obj := rt.NewGoError(err)
	var e *Error
	if !errors.As(err, &e) || e.Code == "" {
		code := errcode.Of(err)
		if code == "" {
			code = errcode.Failed
		}
		if e == nil {
			e = &Error{Message: err.Error()}
		}
		c := *e
		c.Code = code
		e = &c
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
	_ = obj.Set("exitCode", errcode.Exit(e.Code))
	return obj
}

// Throw raises err in JS as ErrorValue(rt, err). It panics, as goja expects
// from a Go function that throws; call it only from a function called by JS.
func Throw(rt *goja.Runtime, err error) {
	var ex *goja.Exception
	if errors.As(err, &ex) {
		panic(ex) // a JS exception is rethrown as it is
	}
	panic(ErrorValue(rt, err))
}

// CallSite is "file:line:col" of the innermost script frame calling into Go
// now, "" when none: taken when an asynchronous call starts, for Error.At.
func CallSite(rt *goja.Runtime) string { return FirstPosition(rt.CaptureCallStack(0, nil)) }

// FirstPosition is "file:line:col" of the innermost frame with a position
// in the script (Go functions have none), "" when no frame has one.
func FirstPosition(frames []goja.StackFrame) string {
	for _, f := range frames {
		if p := f.Position(); p.Line > 0 {
			return p.String()
		}
	}
	return ""
}
