//go:build unix

package dirsafe

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestCheckUnix(t *testing.T) {
	base := t.TempDir()
	mk := func(name string, mode os.FileMode) string {
		p := filepath.Join(base, name)
		if err := os.Mkdir(p, mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil { // past the umask
			t.Fatal(err)
		}
		return p
	}
	own := mk("own", 0o700)
	shared := mk("shared", 0o777)
	group := mk("group", 0o770)
	link := filepath.Join(base, "link")
	if err := os.Symlink(shared, link); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(base, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Check(own); err != nil {
		t.Errorf("own 0700 folder: %v", err)
	}
	for _, p := range []string{shared, group, link} {
		if err := Check(p); !errors.Is(err, ErrNotPrivate) {
			t.Errorf("%s: %v, want ErrNotPrivate", p, err)
		}
	}
	if err := Check(file); err == nil || errors.Is(err, ErrNotPrivate) {
		t.Errorf("a file: %v", err)
	}
	if err := Check(filepath.Join(base, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
}
