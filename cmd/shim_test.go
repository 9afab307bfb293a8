//go:build unix

package cmd

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// shimFixture is a folder with an azrepl binary stand-in and a real az
// elsewhere (as Homebrew links /usr/local/bin/az to its Cellar).
func shimFixture(t *testing.T) (base, self, realAz string) {
	t.Helper()
	base = t.TempDir()
	self = filepath.Join(base, "azrepl")
	realAz = filepath.Join(base, "Cellar", "az")
	must(t, os.MkdirAll(filepath.Dir(realAz), 0o755))
	must(t, os.WriteFile(self, []byte("#!/bin/sh\n"), 0o755))
	must(t, os.WriteFile(realAz, []byte("#!/bin/sh\necho real az\n"), 0o755))
	return base, self, realAz
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestShimNeverReplacesOthers: a link to a real az and a real file stay;
// a link made by azrepl shim before is replaced.
func TestShimNeverReplacesOthers(t *testing.T) {
	base, self, realAz := shimFixture(t)
	dir := filepath.Join(base, "bin")
	must(t, os.Mkdir(dir, 0o755))
	must(t, os.Symlink(realAz, filepath.Join(dir, "az")))
	err := installShims(dir, self)
	if err == nil || !strings.Contains(err.Error(), "not to azrepl") {
		t.Fatalf("a link to a real az: %v", err)
	}
	if to, _ := os.Readlink(filepath.Join(dir, "az")); to != realAz {
		t.Fatalf("the Homebrew-style link now points to %q", to)
	}

	file := filepath.Join(base, "files")
	must(t, os.Mkdir(file, 0o755))
	must(t, os.WriteFile(filepath.Join(file, "databricks"), []byte("real"), 0o755))
	if err := installShims(file, self); err == nil {
		t.Fatal("a real databricks file was replaced")
	}
	if b, _ := os.ReadFile(filepath.Join(file, "databricks")); string(b) != "real" {
		t.Fatal("the real databricks changed")
	}

	again := filepath.Join(base, "again")
	old := filepath.Join(base, "old", "azrepl")
	must(t, os.MkdirAll(filepath.Dir(old), 0o755))
	must(t, os.Mkdir(again, 0o755))
	must(t, os.Symlink(old, filepath.Join(again, "az")))
	if err := installShims(again, self); err != nil {
		t.Fatalf("replacing azrepl's own older link: %v", err)
	}
	for _, n := range shimNames {
		if to, _ := os.Readlink(filepath.Join(again, n)); to != self {
			t.Errorf("%s -> %q, want %q", n, to, self)
		}
	}
}

// TestShimRefusesSharedFolders: a folder others can write is refused, before
// and after it is created.
func TestShimRefusesSharedFolders(t *testing.T) {
	base, self, _ := shimFixture(t)
	shared := filepath.Join(base, "shared")
	must(t, os.Mkdir(shared, 0o777))
	must(t, os.Chmod(shared, 0o777))
	if err := installShims(shared, self); err == nil || !strings.Contains(err.Error(), "writable") {
		t.Fatalf("a world-writable folder: %v", err)
	}
	if _, err := os.Lstat(filepath.Join(shared, "az")); err == nil {
		t.Fatal("a shim was written into a world-writable folder")
	}
}

// TestShimRemoveAndAbsolutePath: --remove takes out azrepl's links only;
// the PATH line printed names the folder absolutely.
func TestShimRemoveAndAbsolutePath(t *testing.T) {
	base, self, realAz := shimFixture(t)
	t.Chdir(base)
	var out, errb bytes.Buffer
	// The test binary is not azrepl: install through installShims, then
	// check shimMain's PATH line with the real folder.
	must(t, installShims("rel", self))
	abs := filepath.Join(base, "rel")
	must(t, os.Remove(filepath.Join(abs, "databricks")))
	must(t, os.Symlink(realAz, filepath.Join(abs, "databricks")))
	if code := shimMain([]string{"--remove", "--dir", "rel"}, &out, &errb); code != 0 {
		t.Fatalf("--remove: %d %s", code, errb.String())
	}
	if _, err := os.Lstat(filepath.Join(abs, "az")); err == nil {
		t.Error("az shim left after --remove")
	}
	if to, _ := os.Readlink(filepath.Join(abs, "databricks")); to != realAz {
		t.Errorf("--remove touched a link that is not azrepl's: %q", to)
	}
	if !strings.Contains(out.String(), "removed "+filepath.Join(abs, "az")) {
		t.Errorf("--remove said %q", out.String())
	}
	out.Reset()
	if code := shimMain([]string{"--dir", "rel2"}, &out, &errb); code != 0 {
		t.Fatalf("shim: %d %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "export PATH='"+filepath.Join(base, "rel2")+"':") {
		t.Errorf("PATH line is not absolute: %q", out.String())
	}
}

// TestShimPassesThrough: a command the az shim does not answer runs the next
// az on PATH (skipping azrepl's own links), with its arguments, output and
// exit status; az version and az --version are answered, naming azrepl.
func TestShimPassesThrough(t *testing.T) {
	base, self, _ := shimFixture(t)
	shims := filepath.Join(base, "shims")
	must(t, installShims(shims, self))
	realDir := filepath.Join(base, "real")
	must(t, os.Mkdir(realDir, 0o755))
	must(t, os.WriteFile(filepath.Join(realDir, "az"), []byte("#!/bin/sh\necho \"real az $*\"\nexit 3\n"), 0o755))
	t.Setenv("PATH", shims+string(os.PathListSeparator)+"relative"+string(os.PathListSeparator)+realDir)
	if got := realTool("az"); got != filepath.Join(realDir, "az") {
		t.Fatalf("realTool(az) = %q", got)
	}
	var out, errb bytes.Buffer
	code := azMain(context.Background(), []string{"group", "list", "--resource-group", "rg"}, &out, &errb)
	if code != 3 || out.String() != "real az group list --resource-group rg\n" {
		t.Fatalf("az group list: exit %d, stdout %q, stderr %q", code, out.String(), errb.String())
	}
	out.Reset()
	if code := azMain(context.Background(), []string{"version"}, &out, &errb); code != 0 || !strings.Contains(out.String(), `"azrepl": "`) || !strings.Contains(out.String(), `"azure-cli": "`) {
		t.Errorf("az version: %d %q", code, out.String())
	}
	out.Reset()
	if code := azMain(context.Background(), []string{"--version"}, &out, &errb); code != 0 || !strings.HasPrefix(out.String(), "azure-cli ") || !strings.Contains(out.String(), "azrepl") {
		t.Errorf("az --version: %d %q", code, out.String())
	}
	// With no real az, the shim says what it is, in one line.
	t.Setenv("PATH", shims)
	out.Reset()
	errb.Reset()
	if code := azMain(context.Background(), []string{"group", "list"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "found no other az") {
		t.Errorf("no real az: %d %q", code, errb.String())
	}
	// databricks likewise.
	must(t, os.WriteFile(filepath.Join(realDir, "databricks"), []byte("#!/bin/sh\necho \"real databricks $*\"\n"), 0o755))
	t.Setenv("PATH", shims+string(os.PathListSeparator)+realDir)
	out.Reset()
	if code := databricksMain(context.Background(), []string{"clusters", "list"}, &out, &errb); code != 0 || out.String() != "real databricks clusters list\n" {
		t.Errorf("databricks clusters list: %d %q", code, out.String())
	}
}
