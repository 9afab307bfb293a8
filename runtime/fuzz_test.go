package runtime

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
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
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
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
		wantLine, last := endOfSource(src)
		if se.Pos.Line != wantLine {
			t.Fatalf("incomplete %q reported at line %d, input ends on line %d", src, se.Pos.Line, wantLine)
		}
		if se.Pos.Column != len(last)+1 && se.Pos.Column != utf8.RuneCountInString(last)+1 {
			t.Fatalf("incomplete %q reported at column %d, input ends at column %d", src, se.Pos.Column, len(last)+1)
		}
		if _, err := Compile("<repl>", src+"\n"); !IsIncomplete(err) {
			t.Fatalf("%q is incomplete but %q is not: %v", src, src+"\n", err)
		}
	})
}

// endOfSource returns the last line's number and text, with JavaScript's
// line terminators: LF, CR, CRLF, U+2028 and U+2029.
func endOfSource(src string) (line int, last string) {
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
