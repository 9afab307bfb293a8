package main

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The rules ARCHITECTURE.md states about imports, checked on every .go
// file of the tree: the emulator's wall, the leaves it admits, and the
// packages that stay apart.

const module = "github.com/azrepl/azrepl/"

// wallLeaves are the packages the emulator may import from outside
// emulator/: each imports nothing of azrepl but its own subpackages.
var wallLeaves = []string{
	"internal/graphperm", "internal/azroles", "internal/firstparty", "internal/dirsafe",
	"internal/connlistener", "internal/leafca", "internal/atomicfile",
}

// testOnly are the test helpers the emulator's tests may use besides;
// emulatorTestOnly are the emulator's own packages that serve only tests.
var (
	testOnly         = []string{"internal/testkey", "internal/testenv", "internal/testbrowser"}
	emulatorTestOnly = []string{"emulator/internal/fixture", "emulator/emulatortest", "emulator/sdkfidelity"}
)

// goImport is one import of one file: the file's package directory, the
// imported azrepl package (module-relative) and whether the file is a test.
type goImport struct {
	dir, path string
	test      bool
}

func azreplImports(t *testing.T) []goImport {
	t.Helper()
	var out []goImport
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if rel, ok := strings.CutPrefix(path, module); ok {
				out = append(out, goImport{dir: filepath.ToSlash(filepath.Dir(p)), path: rel, test: strings.HasSuffix(p, "_test.go")})
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 100 {
		t.Fatalf("read only %d azrepl imports: not the whole tree", len(out))
	}
	return out
}

// under: p is pkg or one of its subpackages.
func under(p string, pkgs ...string) bool {
	return slices.ContainsFunc(pkgs, func(pkg string) bool { return p == pkg || strings.HasPrefix(p, pkg+"/") })
}

// leafRoot is the wall leaf a directory belongs to.
func leafRoot(dir string) string {
	for _, l := range wallLeaves {
		if under(dir, l) {
			return l
		}
	}
	return dir
}

func TestImportsKeepTheArchitecture(t *testing.T) {
	imports := azreplImports(t)
	sawWall := false
	for _, im := range imports {
		switch {
		case under(im.dir, "emulator"):
			sawWall = true
			forTests := im.test || under(im.dir, emulatorTestOnly...)
			allowed := under(im.path, "emulator") || under(im.path, wallLeaves...) || (forTests && under(im.path, testOnly...))
			if !allowed {
				t.Errorf("%s imports %s: the emulator's wall admits only emulator/... and the leaves %v", im.dir, im.path, wallLeaves)
			}
			if !im.test && under(im.dir, "emulator/graph", "emulator/arm", "emulator/databricks") &&
				under(im.path, "emulator") && !under(im.path, "emulator/internal/bearer", "emulator/internal/wire") {
				t.Errorf("%s imports %s: a resource server imports only emulator/internal/bearer and wire", im.dir, im.path)
			}
		case under(im.dir, wallLeaves...) && !im.test:
			if root := leafRoot(im.dir); !under(im.path, root) {
				t.Errorf("%s imports %s: a leaf behind the emulator's wall imports nothing of azrepl", im.dir, im.path)
			}
		case under(im.dir, "auth") && !im.test && im.path == "httpx":
			t.Errorf("auth imports httpx: auth is handed httpx's *http.Client and sends through it")
		case !im.test && under(im.path, "emulator") && !under(im.dir, "app", "cmd") && !under(im.dir, testOnly...):
			t.Errorf("%s imports %s: only app (--emulator) and cmd (azrepl emulate) start the emulator", im.dir, im.path)
		}
	}
	if !sawWall {
		t.Fatal("no import from emulator/ was read")
	}
}
