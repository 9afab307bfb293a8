package runtime

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/dop251/goja"
	"github.com/dop251/goja/file"
	"github.com/dop251/goja/parser"
)

// SyntaxError is source that does not parse, with the position of the first
// problem (goja.Compile flattens that into a string).
type SyntaxError struct {
	Pos     file.Position
	Message string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s: SyntaxError: %s", e.Pos, e.Message)
}

// Compile parses and compiles src; parse errors are *SyntaxError. Source
// with a top-level await is run inside an async function (toplevel.go):
// its value is then a Promise.
func Compile(name, src string) (*goja.Program, error) {
	prg, _, err := compile(name, src, true)
	return prg, err
}

// compile is Compile, and the text it compiled (positions in the program
// are positions in it); without topLevelAwait (modules, whose source is a
// function) await keeps its plain script meaning.
func compile(name, src string, topLevelAwait bool) (*goja.Program, string, error) {
	ast, err := parser.ParseFile(nil, name, src, 0)
	// `await x` does not parse in a script; `await (x)` and `await [x]` do,
	// as calls of a function named await, which nobody means.
	if topLevelAwait && ((err != nil && strings.Contains(src, "await")) || (err == nil && awaitCall().MatchString(src))) {
		wrapped, werr := wrapTopLevelAwait(name, src)
		switch {
		case werr == nil:
			ast, err = parser.ParseFile(nil, name, wrapped, 0)
		case err != nil && !strings.Contains(err.Error(), "Unexpected end of input") && endsInWrapper(werr, asyncOpen+src+asyncClose):
			// `for (…) { await x` is incomplete, not wrong
			line, last := sourceEnd(src)
			err = &parser.Error{Position: file.Position{Filename: name, Line: line, Column: len(last) + 1}, Message: "Unexpected end of input"}
		}
	}
	if err != nil {
		switch e := err.(type) {
		case parser.ErrorList:
			if len(e) > 0 {
				return nil, "", &SyntaxError{Pos: e[0].Position, Message: engineGap(src, e[0].Message)}
			}
		case *parser.Error:
			return nil, "", &SyntaxError{Pos: e.Position, Message: engineGap(src, e.Message)}
		}
		return nil, "", err
	}
	prg, err := goja.CompileAST(ast, false)
	return prg, ast.File.Source(), err
}

// engineGap explains a syntax error that is goja's missing feature, not
// the user's mistake: `for await` parses nowhere in goja.
func engineGap(src, msg string) string {
	if msg == "Unexpected token await" && forAwait().MatchString(src) {
		return msg + " (goja, azrepl's JavaScript engine, has no for await…of: use for…of with await in the body)"
	}
	return msg
}

var forAwait = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\bfor\s+await\s*\(`) })

var awaitCall = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(^|[^.\w$])await\s*[(\[]`) })

// endsInWrapper: the wrapped source failed at its end (the closing
// "})()"), so the input itself was cut short — more lines are to come.
func endsInWrapper(err error, wrapped string) bool {
	if strings.Contains(err.Error(), "Unexpected end of input") {
		return true
	}
	lines := strings.Count(wrapped, "\n") + 1
	switch e := err.(type) {
	case parser.ErrorList:
		return len(e) > 0 && e[0].Position.Line >= lines
	case *parser.Error:
		return e.Position.Line >= lines
	}
	return false
}

// sourceEnd returns the last line's number and text, with JavaScript's
// line terminators: LF, CR, CRLF, U+2028 and U+2029.
func sourceEnd(src string) (line int, last string) {
	line, start := 1, 0
	for i, r := range src {
		switch r {
		case '\n':
			if i > 0 && src[i-1] == '\r' {
				start = i + 1
				continue
			}
		case '\r', '\u2028', '\u2029':
		default:
			continue
		}
		line++
		start = i + utf8.RuneLen(r)
	}
	return line, src[start:]
}
