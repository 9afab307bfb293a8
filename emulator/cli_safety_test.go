package emulator

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Bad flags end with one line and exit 2 before anything starts: a group
// count that would exhaust memory, negative durations, a --dir that another
// user could change (its env file is sourced by the user's shell).
func TestEmulateRefusesUnsafeFlags(t *testing.T) {
	shared := filepath.Join(t.TempDir(), "shared")
	if err := os.Mkdir(shared, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(shared, 0o777); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"--groups", "99999999999"}, {"--groups", "2000000"}, {"--latency", "-1s"}, {"--approve-after", "-5s"},
		{"--token-lifetime", "-1h"}, {"--dir", shared}, {"--users", "1000001"}, {"--jobs", "-1"}, {"--clusters", "2000000"},
	} {
		var out, errb strings.Builder
		if code := Main(context.Background(), args, &out, &errb); code != 2 || strings.Count(strings.TrimSpace(errb.String()), "\n") != 0 {
			t.Errorf("%v: exit %d, stderr %q", args, code, errb.String())
		}
	}
}

// Files in --dir are written fresh: a symlink planted at DIR/env is
// replaced, not written through.
func TestWritePrivateDoesNotFollowLinks(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "victim")
	if err := os.WriteFile(target, []byte("keep"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(dir, "env")); err != nil {
		t.Fatal(err)
	}
	if err := writePrivate(filepath.Join(dir, "env"), []byte("new")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(target); string(b) != "keep" {
		t.Fatalf("wrote through the link: %q", b)
	}
	if st, err := os.Lstat(filepath.Join(dir, "env")); err != nil || st.Mode()&os.ModeSymlink != 0 || st.Mode().Perm() != 0o600 {
		t.Fatalf("env: %v %v", st.Mode(), err)
	}
}
