package runtime

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dop251/goja/file"
)

// FuzzIsIncomplete checks the REPL's multi-line signal on arbitrary input.
// "Incomplete" must mean the parser ran out of input: the error is at the
// very end of the source, and another (blank) line keeps it incomplete, so
// the REPL keeps reading instead of reporting an error too early. A real
// syntax error is never called incomplete (the REPL would wait forever).
func FuzzIsIncomplete(f *testing.F) {
	for _, s := range []string{
		"function f() {", "if (x) {\n  // comment\n", "`template ${", "/* open comment", "foo(1,\n",
		"x = {a: 1,", "[1, 2", "a +", "a b", "'unterminated", "let x = 1", "}", "({", "class A {",
		"for (;;", "(function () { return 1 })()", "async function f() { await", "x => {", "a ? b :",
		"q(r, \"value.#.id\")", "try {", "try {} catch", "/re", "0x", "\"\\u00", "`a\nb", "do {} while",
		"f(\r\n1,", "{\r", "x = [\u2028", "é(\u2029ü", "await f(\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		wantLine, wantColumn := endOfSource(src)
		if line, last := sourceEnd(src); line != wantLine || len(last)+1 != wantColumn {
			t.Fatalf("sourceEnd(%q) = line %d column %d, goja places the end at line %d column %d", src, line, len(last)+1, wantLine, wantColumn)
		}
		_, err := Compile("<repl>", src)
		if !IsIncomplete(err) {
			if err == nil {
				return
			}
			var se *SyntaxError
			if errors.As(err, &se) && strings.Contains(se.Error(), "\n") && !strings.Contains(se.Message, "\n") {
				t.Fatalf("syntax error is not one line: %q", se.Error())
			}
			return
		}
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Fatalf("incomplete without a *SyntaxError: %v", err)
		}
		if se.Pos.Line != wantLine {
			t.Fatalf("incomplete %q reported at line %d, input ends on line %d", src, se.Pos.Line, wantLine)
		}
		lastLine := src[len(src)-(wantColumn-1):]
		if se.Pos.Column != wantColumn && se.Pos.Column != utf8.RuneCountInString(lastLine)+1 {
			t.Fatalf("incomplete %q reported at column %d, input ends at column %d", src, se.Pos.Column, wantColumn)
		}
		if _, err := Compile("<repl>", src+"\n"); !IsIncomplete(err) {
			t.Fatalf("%q is incomplete but %q is not: %v", src, src+"\n", err)
		}
	})
}

// endOfSource is where src ends (line, byte column, from 1) as goja's own
// source file places it: the parser's positions come from file.File, an
// algorithm apart from sourceEnd's, so a bug in either shows here.
func endOfSource(src string) (line, column int) {
	p := file.NewFile("<repl>", src, 1).Position(len(src))
	return p.Line, p.Column
}
