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

// The emulator's DIR is made by Mkdir and checked as it is after that: a
// folder another user created in between (or beforehand) is refused; an
// existing folder holding files of the user's own is refused untouched; a
// folder the emulator made is reused; DIR/env names absolute paths.
func TestEmulatorDirIsItsOwn(t *testing.T) {
	ctx := context.Background()
	base := t.TempDir()
	start := func(dir string) error {
		em, err := Start(ctx, Config{Dir: dir, Proxy: ""})
		if err == nil {
			em.Close()
		}
		return err
	}
	// A folder with the user's own env: refused, nothing deleted.
	mine := filepath.Join(base, "mine")
	if err := os.Mkdir(mine, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(mine, "env"), []byte("my own\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := start(mine); err == nil || !strings.Contains(err.Error(), "not the emulator's") {
		t.Errorf("a folder with the user's files: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(mine, "env")); string(b) != "my own\n" {
		t.Errorf("the user's env was replaced: %q", b)
	}
	// A new folder, named relatively: made, then reused; absolute paths in env.
	t.Chdir(base)
	if err := start("fresh"); err != nil {
		t.Fatal(err)
	}
	env, err := os.ReadFile(filepath.Join(base, "fresh", "env"))
	if err != nil || !strings.Contains(string(env), "SSL_CERT_FILE="+filepath.Join(base, "fresh", "ca.pem")) {
		t.Errorf("env names relative paths: %q %v", env, err)
	}
	if err := start(filepath.Join(base, "fresh")); err != nil {
		t.Errorf("the emulator's own folder again: %v", err)
	}
	// A folder another user owns (made between a check and the creation).
	if os.Getuid() != 0 {
		t.Log("not root: the other user's folder is not tried")
		return
	}
	theirs := filepath.Join(base, "theirs")
	if err := os.Mkdir(theirs, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(theirs, 4242, 4242); err != nil {
		t.Fatal(err)
	}
	if err := start(theirs); err == nil || !strings.Contains(err.Error(), "belongs to another user") {
		t.Errorf("another user's folder: %v", err)
	}
	if entries, _ := os.ReadDir(theirs); len(entries) != 0 {
		t.Errorf("wrote into another user's folder: %v", entries)
	}
}
