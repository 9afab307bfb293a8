package runtime

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/azrepl/azrepl/bindings"
	"github.com/azrepl/azrepl/errcode"
	"github.com/azrepl/azrepl/httpx"
	"github.com/dop251/goja"
)

// ErrInterrupted is returned when the evaluation's context was cancelled (Ctrl-C).
var ErrInterrupted = errors.New("interrupted")

// ExitError is returned when the script called exit(code).
type ExitError struct{ Code int }

func (e *ExitError) Error() string { return fmt.Sprintf("exit(%d)", e.Code) }

// FileError is a script file that cannot be read: a usage error (exit 2).
type FileError struct {
	Path string
	Err  error
}

func (e *FileError) Error() string {
	var pe *fs.PathError
	if errors.As(e.Err, &pe) {
		return fmt.Sprintf("%s: %v", e.Path, pe.Err)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Err)
}
func (e *FileError) Unwrap() error { return e.Err }

// IsIncomplete reports whether a compile error only means "more input
// needed", the REPL's signal for a multi-line statement.
func IsIncomplete(err error) bool {
	var se *SyntaxError
	return errors.As(err, &se) && strings.HasPrefix(se.Message, "Unexpected end of input")
}

// Describe turns an evaluation error into one readable line (plus the JS
// stack when debug is set) and the exit code it calls for:
// `file:line:col: [CODE: ]message`. A thrown object may choose the exit code
// with a numeric exitCode property. msg is empty for exit(code).
func Describe(err error, debug bool) (msg string, code int) {
	msg, code = describe(err, debug)
	// `throw token()` or a message quoting one: the line is printed and may
	// be logged, so the rules of the trace apply to it too.
	// Text from a server (a service's message, a thrown answer) may hold
	// escape sequences: shown escaped, never acted on by the terminal.
	return httpx.EscapeControls(httpx.RedactText(msg)), code
}

func describe(err error, debug bool) (msg string, code int) {
	var (
		exit *ExitError
		fe   *FileError
		se   *SyntaxError
		ce   *goja.CompilerSyntaxError
		ex   *goja.Exception
	)
	switch {
	case err == nil:
		return "", 0
	case errors.As(err, &exit):
		return "", exit.Code
	case errors.Is(err, ErrInterrupted):
		return "interrupted", 130
	case errors.As(err, &fe):
		return fe.Error(), 2
	case errors.As(err, &se):
		return se.Error(), 1
	case errors.As(err, &ce):
		if ce.File != nil {
			return fmt.Sprintf("%s: SyntaxError: %s", ce.File.Position(ce.Offset), ce.Message), 1
		}
		return "SyntaxError: " + ce.Message, 1
	case errors.As(err, &ex):
		var at *rejectedAt
		fallback := ""
		if errors.As(err, &at) {
			fallback = at.pos
		}
		msg, code = describeException(ex, fallback)
		if debug {
			msg += "\n" + strings.TrimRight(exceptionString(ex), "\n")
		}
		return msg, code
	}
	return err.Error(), 1
}

// describeException is the line of an uncaught exception. Its position is
// where it was thrown; else, for a Go error, where the script made the call
// that failed (bindings.Error.At); else fallback (where a Promise was
// rejected).
func describeException(ex *goja.Exception, fallback string) (string, int) {
	var be *bindings.Error
	isGo := errors.As(ex.Unwrap(), &be)
	if isGo && be.At != "" {
		fallback = be.At
	}
	pos := cmp.Or(bindings.FirstPosition(ex.Stack()), fallback)
	if pos != "" {
		pos += ": "
	}
	code := 1
	obj, isObj := ex.Value().(*goja.Object)
	if !isObj {
		return pos + "uncaught " + safeString(ex.Value()), code
	}
	name := safeGet(obj, "name")
	message := safeGet(obj, "message")
	errCode := safeGet(obj, "code")
	// A Go error thrown without fields still carries them in its chain.
	if isGo && errCode == "" {
		errCode = be.Code
		message = be.Message
	}
	// The exit status follows e.code through the one table; a script's own
	// code outside the table may pick its status with a numeric exitCode.
	if errcode.Known(errCode) {
		code = errcode.Exit(errCode)
	} else if n, ok := safeInt(obj, "exitCode"); ok && n > 0 && n < 256 {
		code = int(n)
	}
	switch {
	case errCode != "":
		return pos + errCode + ": " + message, code
	case name == "" || name == "Error" || name == "GoError":
		if message == "" && obj.ClassName() != "Error" {
			return pos + "uncaught " + safeString(obj), code
		}
		return pos + message, code
	}
	return pos + name + ": " + message, code
}

// exceptionString is ex.String() (message and JS stack) for a thrown value
// whose toString may throw.
func exceptionString(ex *goja.Exception) (s string) {
	defer func() {
		if recover() != nil {
			s = ""
		}
	}()
	return ex.String()
}

// safeGet reads a property of a thrown object as a string; a getter or
// Proxy trap that throws, or a toString that throws, gives "".
func safeGet(obj *goja.Object, name string) (s string) {
	defer func() {
		if recover() != nil {
			s = ""
		}
	}()
	return valueString(obj.Get(name))
}

func safeInt(obj *goja.Object, name string) (n int64, ok bool) {
	defer func() {
		if recover() != nil {
			n, ok = 0, false
		}
	}()
	v := obj.Get(name)
	if v == nil || goja.IsUndefined(v) {
		return 0, false
	}
	return v.ToInteger(), true
}

// safeString is v.String() for a thrown value whose toString may throw.
func safeString(v goja.Value) (s string) {
	defer func() {
		if recover() != nil {
			s = "(a value whose toString throws)"
		}
	}()
	return valueString(v)
}

func valueString(v goja.Value) string {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return ""
	}
	return v.String()
}

// Hint is the hint an uncaught error carries (the usual cause and what to
// do), "" when it has none. The REPL shows it under the one-line message;
// `azrepl run` keeps its error to one line and leaves it out.
func Hint(err error) string {
	var ex *goja.Exception
	if !errors.As(err, &ex) {
		return ""
	}
	if obj, ok := ex.Value().(*goja.Object); ok {
		if h := safeGet(obj, "hint"); h != "" {
			return h
		}
	}
	var be *bindings.Error
	if errors.As(ex.Unwrap(), &be) {
		return be.Hint
	}
	return ""
}
