package runtime

import (
	"fmt"

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

// Compile parses and compiles src; parse errors are *SyntaxError.
func Compile(name, src string) (*goja.Program, error) {
	ast, err := parser.ParseFile(nil, name, src, 0)
	if err != nil {
		switch e := err.(type) {
		case parser.ErrorList:
			if len(e) > 0 {
				return nil, &SyntaxError{Pos: e[0].Position, Message: e[0].Message}
			}
		case *parser.Error:
			return nil, &SyntaxError{Pos: e.Position, Message: e.Message}
		}
		return nil, err
	}
	return goja.CompileAST(ast, false)
}
