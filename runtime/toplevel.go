package runtime

import (
	"sort"
	"strings"

	"github.com/dop251/goja/ast"
	"github.com/dop251/goja/parser"
)

// Top-level await: goja accepts await only inside async functions, so input
// that uses it at the top level runs inside `(async () => { … })()`. The
// rewrite keeps what a person expects of a top-level line:
//   - var/let/const and class declarations stay global: their names are
//     declared with var before the wrapper and the declarations become
//     assignments (`const {a} = await f()` → `({a} = await f())`); function
//     declarations stay hoisted and are copied to globalThis;
//   - the last expression statement is the value: `return (…)`;
//   - line numbers are unchanged (the prefix sits on the first line).
// The evaluation's value is then a Promise, which the event loop settles.

const (
	asyncOpen  = "(async () => {"
	asyncClose = "\n})()"
)

// wrapTopLevelAwait returns src rewritten to run in an async function, or
// the parse error of the wrapped form when that does not parse either.
func wrapTopLevelAwait(name, src string) (string, error) {
	wrapped := asyncOpen + src + asyncClose
	prog, err := parser.ParseFile(nil, name, wrapped, 0)
	if err != nil {
		return "", err
	}
	body := asyncBody(prog)
	if body == nil {
		return wrapped, nil
	}
	type edit struct {
		from, to int // 0-based offsets in wrapped
		text     string
	}
	var edits []edit
	var globals []string
	// A statement's Idx0/Idx1 leave out parentheses around its first and
	// last expression: `(await f()).x` starts after "(". start and end
	// widen a range over them.
	start := func(n ast.Node) int {
		i := int(n.Idx0()) - 1
		for j := i - 1; j > len(asyncOpen)-1; j-- {
			switch wrapped[j] {
			case '(':
				i = j
				continue
			case ' ', '\t', '\n', '\r':
				continue
			}
			break
		}
		return i
	}
	end := func(from int, n ast.Node) int {
		e := emptyCallsAfter(wrapped, int(n.Idx1())-1)
		open := parenBalance(wrapped[from:e])
		for e < len(wrapped) && open > 0 {
			switch wrapped[e] {
			case ')':
				open--
			case ' ', '\t', '\n', '\r':
			default:
				return e
			}
			e++
		}
		return e
	}
	declare := func(st ast.Node, list []*ast.Binding) {
		for _, b := range list {
			globals = append(globals, boundNames(b.Target)...)
		}
		from := int(st.Idx0()) - 1
		to := end(from, st)
		decl := wrapped[from:to]
		kw := strings.IndexAny(decl, " \t\n\r{[")
		if kw < 0 {
			return
		}
		// `const {a} = o, b = 2` → `({a} = o, b = 2)`: assignments to the globals.
		edits = append(edits, edit{from, to, "(" + decl[kw:] + ")"})
	}
	text := func(n ast.Node) string { return wrapped[int(n.Idx0())-1 : int(n.Idx1())-1] }
	for i, st := range body.List {
		switch s := st.(type) {
		case *ast.VariableStatement:
			declare(s, s.List)
		case *ast.LexicalDeclaration:
			declare(s, s.List)
		case *ast.FunctionDeclaration:
			// Kept as a declaration (hoisted, callable before its line) and
			// made global as the body starts.
			if s.Function.Name != nil {
				n := string(s.Function.Name.Name)
				edits = append(edits, edit{len(asyncOpen), len(asyncOpen), "globalThis." + n + " = " + n + "; "})
			}
		case *ast.ClassDeclaration:
			if s.Class.Name != nil {
				n := string(s.Class.Name.Name)
				globals = append(globals, n)
				edits = append(edits, edit{int(s.Idx0()) - 1, int(s.Idx1()) - 1, n + " = " + text(s) + ";"})
			}
		case *ast.ExpressionStatement:
			if i == len(body.List)-1 {
				at := start(s)
				edits = append(edits, edit{at, at, "return "})
			}
		}
	}
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].from < edits[j].from })
	var b strings.Builder
	if len(globals) > 0 {
		b.WriteString("var " + strings.Join(dedupe(globals), ", ") + "; ")
	}
	last := 0
	for _, e := range edits {
		b.WriteString(wrapped[last:e.from])
		b.WriteString(e.text)
		last = e.to
	}
	b.WriteString(wrapped[last:])
	out := b.String()
	if _, err := parser.ParseFile(nil, name, out, 0); err != nil {
		return wrapped, nil // the rewrite went wrong: run the plain wrapper
	}
	return out, nil
}

// asyncBody finds the block of `(async () => { … })()`.
func asyncBody(prog *ast.Program) *ast.BlockStatement {
	if len(prog.Body) != 1 {
		return nil
	}
	es, ok := prog.Body[0].(*ast.ExpressionStatement)
	if !ok {
		return nil
	}
	call, ok := es.Expression.(*ast.CallExpression)
	if !ok {
		return nil
	}
	fn, ok := call.Callee.(*ast.ArrowFunctionLiteral)
	if !ok {
		return nil
	}
	blk, _ := fn.Body.(*ast.BlockStatement)
	return blk
}

// boundNames lists the names a binding target declares.
func boundNames(t ast.Node) []string {
	switch p := t.(type) {
	case *ast.Identifier:
		return []string{string(p.Name)}
	case *ast.ObjectPattern:
		var out []string
		for _, prop := range p.Properties {
			switch x := prop.(type) {
			case *ast.PropertyShort:
				out = append(out, string(x.Name.Name))
			case *ast.PropertyKeyed:
				out = append(out, boundNames(x.Value)...)
			}
		}
		if p.Rest != nil {
			out = append(out, boundNames(p.Rest)...)
		}
		return out
	case *ast.ArrayPattern:
		var out []string
		for _, e := range p.Elements {
			if e != nil {
				out = append(out, boundNames(e)...)
			}
		}
		if p.Rest != nil {
			out = append(out, boundNames(p.Rest)...)
		}
		return out
	case *ast.AssignExpression: // a default: {a = 1}
		return boundNames(p.Left)
	}
	return nil
}

func dedupe(names []string) []string {
	seen := map[string]bool{}
	out := names[:0]
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// parenBalance counts "(" less ")" in src, outside string literals.
func parenBalance(src string) int {
	n := 0
	var quote byte
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'' || c == '`':
			quote = c
		case c == '(':
			n++
		case c == ')':
			n--
		}
	}
	return n
}

// emptyCallsAfter extends a node's end over "()" pairs that follow it:
// goja's parser ends `new Map()` (no arguments) at "Map", so a range built
// from Idx1 cut the call in two — `(c = new Map)()` called the Map. A "()"
// after a statement cannot start the next one, so it belongs to this node.
func emptyCallsAfter(src string, e int) int {
	for {
		i := e
		for i < len(src) && strings.ContainsRune(" \t", rune(src[i])) {
			i++
		}
		if i >= len(src) || src[i] != '(' {
			return e
		}
		i++
		for i < len(src) && strings.ContainsRune(" \t\n\r", rune(src[i])) {
			i++
		}
		if i >= len(src) || src[i] != ')' {
			return e
		}
		e = i + 1
	}
}
