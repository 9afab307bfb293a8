package runtime

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/azrepl/azrepl/bindings"
	"github.com/azrepl/azrepl/errcode"
	"github.com/azrepl/azrepl/scripts"
	"github.com/dop251/goja"
)

// BundledPrefix names the snippets embedded in the binary (the repository's
// scripts/ folder): require("azrepl/scripts/hello") works from anywhere,
// including the REPL, without the source tree.
const BundledPrefix = "azrepl/scripts/"

// modules implements CommonJS require for snippet files. Paths resolve
// relative to the requiring file; files must stay inside a root (the
// script's folder tree, or the REPL's working folder) — symlinks included.
type modules struct {
	r       *Runtime
	environ []string // the script's environment: where the credential stores are
	roots   []string
	cache   map[string]*goja.Object // key → module object
}

func newModules(r *Runtime, dir string) *modules {
	m := &modules{r: r, cache: map[string]*goja.Object{}}
	m.addRoot(dir)
	return m
}

func (m *modules) addRoot(dir string) {
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	for _, r := range m.roots {
		if r == dir {
			return
		}
	}
	m.roots = append(m.roots, dir)
}

// requireFunc returns the require seen by code in dir (an embedded folder
// when embedded is set).
func (m *modules) requireFunc(dir string, embedded bool) func(goja.FunctionCall) goja.Value {
	vm := m.r.vm
	return func(call goja.FunctionCall) goja.Value {
		spec := call.Argument(0).String()
		exports, err := m.load(dir, embedded, spec)
		var ex *goja.Exception
		if errors.As(err, &ex) {
			panic(ex) // rethrow as is: keeps the module's file:line
		}
		var se *SyntaxError
		if errors.As(err, &se) {
			bindings.Throw(vm, &bindings.Error{Name: "SyntaxError", Code: errcode.SyntaxError, Message: se.Pos.String() + ": " + se.Message})
		}
		if err != nil {
			bindings.Throw(vm, err)
		}
		return exports
	}
}

func (m *modules) load(dir string, embedded bool, spec string) (goja.Value, error) {
	switch {
	case strings.HasPrefix(spec, BundledPrefix):
		return m.loadEmbedded(path.Clean(strings.TrimPrefix(spec, BundledPrefix)), spec)
	case embedded && (strings.HasPrefix(spec, "./") || strings.HasPrefix(spec, "../")):
		return m.loadEmbedded(path.Join(dir, spec), spec)
	case strings.HasPrefix(spec, "./") || strings.HasPrefix(spec, "../") || filepath.IsAbs(spec):
		p := spec
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, spec)
		}
		return m.loadFile(p, spec)
	}
	return nil, requireErr(errcode.BadArgument, "require(%q): use a relative path (\"./x.js\") or %sNAME", spec, BundledPrefix)
}

func (m *modules) loadEmbedded(name, spec string) (goja.Value, error) {
	if name == "." || strings.HasPrefix(name, "../") || name == ".." {
		return nil, requireErr(errcode.Refused, "require(%q): outside the bundled scripts", spec)
	}
	for _, cand := range []string{name, name + ".js", name + ".json"} {
		src, err := fs.ReadFile(scripts.FS, cand)
		if err == nil {
			return m.eval("embed:"+cand, BundledPrefix+cand, path.Dir(cand), true, string(src))
		}
	}
	return nil, requireErr(errcode.NotFound, "require(%q): no such bundled script", spec)
}

func (m *modules) loadFile(p, spec string) (goja.Value, error) {
	for _, cand := range []string{p, p + ".js", p + ".json", filepath.Join(p, "index.js")} {
		st, err := os.Stat(cand)
		if err != nil || st.IsDir() {
			continue
		}
		real, err := filepath.EvalSymlinks(cand)
		if err != nil {
			return nil, requireErr(errcode.Failed, "require(%q): %v", spec, err)
		}
		if !m.inRoots(real) {
			return nil, requireErr(errcode.Refused, "require(%q): outside the script's folder", spec)
		}
		if what := m.secretPlace(real); what != "" {
			return nil, requireErr(errcode.Refused, "require(%q): %s holds credentials: not readable by scripts", spec, what)
		}
		src, err := os.ReadFile(real)
		if err != nil {
			return nil, requireErr(errcode.Failed, "require(%q): %v", spec, err)
		}
		return m.eval(real, displayName(real), filepath.Dir(real), false, string(src))
	}
	return nil, requireErr(errcode.NotFound, "require(%q): no such file", spec)
}

func (m *modules) inRoots(p string) bool {
	for _, r := range m.roots {
		if rel, err := filepath.Rel(r, p); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

// eval runs a module once (cached by key) with node's CommonJS wrapper.
func (m *modules) eval(key, name, dir string, embedded bool, src string) (goja.Value, error) {
	vm := m.r.vm
	if mod, ok := m.cache[key]; ok {
		return mod.Get("exports"), nil
	}
	mod := vm.NewObject()
	exports := vm.NewObject()
	_ = mod.Set("exports", exports)
	if strings.HasSuffix(name, ".json") {
		var v any
		if err := json.Unmarshal([]byte(src), &v); err != nil {
			return nil, requireErr(errcode.BadJSON, "%s: %v", name, err)
		}
		_ = mod.Set("exports", vm.ToValue(v))
		m.cache[key] = mod
		return mod.Get("exports"), nil
	}
	// The header stays on the module's first line so line numbers match the file.
	const header = "(function (exports, require, module, __filename, __dirname) {"
	prg, text, err := compile(name, header+stripShebang(src)+"\n})", false)
	if err != nil {
		var se *SyntaxError
		if errors.As(err, &se) && se.Pos.Line == 1 {
			se.Pos.Column -= len(header)
		}
		return nil, err
	}
	m.r.remember(name, text)
	fnv, err := vm.RunProgram(prg)
	if err != nil {
		return nil, err
	}
	fn, _ := goja.AssertFunction(fnv)
	m.cache[key] = mod
	if _, err := fn(goja.Undefined(), exports, vm.ToValue(m.requireFunc(dir, embedded)), mod, vm.ToValue(name), vm.ToValue(dir)); err != nil {
		delete(m.cache, key)
		return nil, err
	}
	return mod.Get("exports"), nil
}

// displayName shortens a path relative to the working folder for messages.
func displayName(p string) string {
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
	}
	return p
}

// requireErr is a require failure with its code from the table.
func requireErr(code, format string, a ...any) error {
	return &bindings.Error{Code: code, Message: fmt.Sprintf(format, a...)}
}

// secretPlace names the credential store p is in ("" when none): azrepl's
// home (tokens.json), the Azure CLI's folder (its MSAL cache) and
// ~/.databrickscfg. A script whose folder contains them still cannot read them.
func (m *modules) secretPlace(p string) string {
	env := map[string]string{}
	for _, kv := range m.environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	home := env["HOME"]
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	places := []struct{ what, path string }{
		{"AZREPL_HOME", env["AZREPL_HOME"]},
		{"the Azure CLI's folder", env["AZURE_CONFIG_DIR"]},
		{"the Azure CLI's folder", joinIf(home, ".azure")},
		{"~/.databrickscfg", cmp.Or(env["DATABRICKS_CONFIG_FILE"], joinIf(home, ".databrickscfg"))},
	}
	if cfg, err := os.UserConfigDir(); err == nil {
		places = append(places, struct{ what, path string }{"AZREPL_HOME", filepath.Join(cfg, "azrepl")})
	}
	if m.r.env.Auth != nil {
		places = append(places, struct{ what, path string }{"AZREPL_HOME", m.r.env.Auth.Home()})
	}
	for _, pl := range places {
		if pl.path == "" {
			continue
		}
		dir := pl.path
		if real, err := filepath.EvalSymlinks(dir); err == nil {
			dir = real
		}
		if rel, err := filepath.Rel(dir, p); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return pl.what
		}
	}
	return ""
}

func joinIf(dir, name string) string {
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, name)
}
