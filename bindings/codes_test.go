package bindings_test

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/bindings"
	"github.com/azrepl/azrepl/runtime"
)

// TestREADMECodeTable: the README's table under "Errors" and bindings.Codes
// list the same codes with the same exit statuses.
func TestREADMECodeTable(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `([A-Z_]+)` \\| (\\d+) \\|")
	readme := map[string]int{}
	for _, m := range row.FindAllStringSubmatch(string(b), -1) {
		n, _ := strconv.Atoi(m[2])
		readme[m[1]] = n
	}
	for _, c := range bindings.Codes {
		n, ok := readme[c.Code]
		if !ok {
			t.Errorf("README lacks %s", c.Code)
		} else if n != c.Exit {
			t.Errorf("README: %s exits %d, code: %d", c.Code, n, c.Exit)
		}
		delete(readme, c.Code)
	}
	for c := range readme {
		t.Errorf("README documents %s, which the code does not have", c)
	}
}

// TestNoCodeLiterals: codes are named through the table's constants, so a
// throw site cannot invent a code (or an exit status) of its own.
func TestNoCodeLiterals(t *testing.T) {
	for _, dir := range []string{".", "../runtime", "../repl", "../cmd", "../app"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") || filepath.Base(f) == "codes.go" {
				continue
			}
			fs := token.NewFileSet()
			file, err := parser.ParseFile(fs, f, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				kv, ok := n.(*ast.KeyValueExpr)
				if !ok {
					return true
				}
				if k, ok := kv.Key.(*ast.Ident); ok && (k.Name == "Code" || k.Name == "ExitCode") {
					if _, lit := kv.Value.(*ast.BasicLit); lit {
						t.Errorf("%s: %s: a literal outside the code table", fs.Position(kv.Pos()), k.Name)
					}
				}
				return true
			})
		}
	}
}

// TestExitFollowsCode: what each kind of failure exits with in `azrepl run`
// comes from its e.code through the table.
func TestExitFollowsCode(t *testing.T) {
	h := newHarness(t, offline())
	cases := []struct {
		src, code string
	}{
		{"trace.get(5)", "NOT_FOUND"},
		{"graph.batch(5)", "BAD_REQUEST"},
		{"exit('x')", "BAD_ARGUMENT"},
		{"exit(300)", "BAD_ARGUMENT"},
		{"exit(-1)", "BAD_ARGUMENT"},
		{"exit(1.5)", "BAD_ARGUMENT"},
		{"q(1)", "BAD_ARGUMENT"},
		{"q('{', 'a')", "BAD_JSON"},
		{"jwt()", "BAD_ARGUMENT"},
		{"jwt('x')", "NOT_A_JWT"},
		{"require('fs')", "BAD_ARGUMENT"},
		{"require('./nope.js')", "NOT_FOUND"},
		{"require('/etc/hostname')", "REFUSED"},
		{"http.get('https://%zz')", "BAD_ARGUMENT"},
		{"http.get('/relative')", "BAD_ARGUMENT"},
	}
	for _, c := range cases {
		got := h.jsErr(c.src)
		if !strings.Contains(got, `"code":"`+c.code+`"`) || !strings.Contains(got, `"exitCode":`+strconv.Itoa(bindings.ExitCodeFor(c.code))) {
			t.Errorf("%s: caught %s, want code %s", c.src, got, c.code)
		}
		_, err := h.rt.Eval(context.Background(), "t.js", c.src)
		msg, exit := runtime.Describe(err, false)
		if exit != bindings.ExitCodeFor(c.code) || !strings.Contains(msg, c.code) {
			t.Errorf("%s uncaught: %q exits %d, want %s (%d)", c.src, msg, exit, c.code, bindings.ExitCodeFor(c.code))
		}
	}
	for src, want := range map[string]int{"exit(3)": 3, "exit()": 0, "exit(255)": 255} {
		_, err := h.rt.Eval(context.Background(), "t.js", src)
		if _, exit := runtime.Describe(err, false); exit != want {
			t.Errorf("%s exits %d", src, exit)
		}
	}
}

// TestEveryThrownErrorHasACode: an error with no kind of its own still
// carries a code of the table.
func TestEveryThrownErrorHasACode(t *testing.T) {
	for _, c := range bindings.Codes {
		if !bindings.KnownCode(c.Code) || bindings.ExitCodeFor(c.Code) != c.Exit {
			t.Fatal(c)
		}
	}
	if bindings.CodeForError(context.Canceled) != "CANCELLED" {
		t.Fatal("context.Canceled")
	}
}
