package e2e

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestInstallFromTheREADME runs the README's Install block as written, in sh,
// with this tree served as the module's newest version by a file-based module
// proxy (GOPROXY=file://…, the layout proxy.golang.org serves): `go install
// github.com/azrepl/azrepl@latest` must work (no replace directives, main at
// the module root), the PATH line must find the binary, and `azrepl version`
// must name the version from the build information, not "dev".
func TestInstallFromTheREADME(t *testing.T) {
	if testing.Short() {
		t.Skip("builds azrepl from a module zip")
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile("(?s)## Install\n.*?```(?:sh|bash)[^\n]*\n(.*?)```").FindSubmatch(readme)
	if block == nil || !strings.Contains(string(block[1]), "go install github.com/azrepl/azrepl@latest") {
		t.Fatalf("README's Install block does not run go install github.com/azrepl/azrepl@latest:\n%s", block)
	}
	mod := readModulePath(t)
	// A pre-release of its own per run: the shared module cache never holds
	// an older zip under the same version.
	ver := fmt.Sprintf("v0.0.1-e2e.%d", time.Now().UnixNano())
	proxy := t.TempDir()
	writeModuleVersion(t, proxy, mod, ver)
	gomodcache := strings.TrimSpace(goEnv(t, "GOMODCACHE"))
	t.Cleanup(func() { removeCachedVersion(gomodcache, mod, ver) })

	gopath := t.TempDir()
	sh := exec.Command("sh", "-e", "-c", string(block[1]))
	sh.Dir = t.TempDir()
	sh.Env = append(os.Environ(), "GOPROXY=file://"+filepath.ToSlash(proxy), "GOSUMDB=off", "GOFLAGS=",
		"GOPATH="+gopath, "GOMODCACHE="+gomodcache, "GOBIN=", "AZREPL_HOME="+t.TempDir())
	out, err := sh.CombinedOutput()
	if err != nil {
		t.Fatalf("the Install block failed: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(gopath, "bin", "azrepl")); err != nil {
		t.Fatalf("go install put no azrepl in GOPATH/bin: %v", err)
	}
	if !strings.Contains(string(out), "azrepl "+ver+" (") {
		t.Fatalf("azrepl version after go install does not name %s:\n%s", ver, out)
	}
}

func readModulePath(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	if regexp.MustCompile(`(?m)^\s*(replace|exclude)\b`).Match(b) {
		t.Fatal("go.mod has replace or exclude directives: go install …@latest refuses such a module")
	}
	m := regexp.MustCompile(`(?m)^module\s+(\S+)`).FindSubmatch(b)
	if m == nil {
		t.Fatal("go.mod names no module")
	}
	return string(m[1])
}

func goEnv(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// writeModuleVersion lays out MOD@VER in dir as a GOPROXY serves it: list,
// .info, .mod and a zip of the repository's files (what git would ship:
// tracked and untracked but not ignored).
func writeModuleVersion(t *testing.T, dir, mod, ver string) {
	t.Helper()
	at := filepath.Join(dir, filepath.FromSlash(mod), "@v")
	if err := os.MkdirAll(at, 0o755); err != nil {
		t.Fatal(err)
	}
	ls := exec.Command("git", "ls-files", "-co", "--exclude-standard")
	ls.Dir = ".."
	files, err := ls.Output()
	if err != nil {
		t.Skipf("git ls-files: %v (the module zip is built from a git checkout)", err)
	}
	zf, err := os.Create(filepath.Join(at, ver+".zip"))
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(zf)
	for _, f := range strings.Split(strings.TrimSpace(string(files)), "\n") {
		b, err := os.ReadFile(filepath.Join("..", f))
		if err != nil {
			continue // listed but deleted in the work tree
		}
		w, err := zw.Create(mod + "@" + ver + "/" + f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zf.Close(); err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	info, _ := json.Marshal(map[string]string{"Version": ver, "Time": time.Now().UTC().Format(time.RFC3339)})
	for name, body := range map[string][]byte{"list": []byte(ver + "\n"), ver + ".mod": gomod, ver + ".info": info} {
		if err := os.WriteFile(filepath.Join(at, name), body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// removeCachedVersion takes the test's version out of the module cache
// (extracted files are read-only there).
func removeCachedVersion(gomodcache, mod, ver string) {
	for _, p := range []string{filepath.Join(gomodcache, filepath.FromSlash(mod)+"@"+ver)} {
		_ = filepath.Walk(p, func(path string, info os.FileInfo, err error) error {
			if err == nil && info.IsDir() {
				_ = os.Chmod(path, 0o755)
			}
			return nil
		})
		_ = os.RemoveAll(p)
	}
	dl, _ := filepath.Glob(filepath.Join(gomodcache, "cache", "download", filepath.FromSlash(mod), "@v", ver+".*"))
	for _, f := range dl {
		_ = os.Remove(f)
	}
	_ = os.Remove(filepath.Join(gomodcache, "cache", "download", filepath.FromSlash(mod), "@v", "list"))
}
