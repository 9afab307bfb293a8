package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"testing"
)

// TestArchivesAndSums packs every target as a release does, with a stand-in
// for the compiler (CI's `go run ./release --snapshot` cross-compiles the real
// six): SHA256SUMS matches the files, Windows gets a .zip with azrepl.exe,
// the others a .tar.gz with an executable azrepl, each beside the README, and
// two runs give byte-equal archives.
func TestArchivesAndSums(t *testing.T) {
	t.Chdir("..")
	built := map[string]bool{}
	orig := goBuild
	goBuild = func(out, version, goos, goarch string) error {
		built[goos+"/"+goarch] = true
		// A shell script stands in for the binary on this platform, so the
		// version self-check runs something real.
		return os.WriteFile(out, []byte("#!/bin/sh\necho 'azrepl "+version+" (stand-in)'\n"), 0o755)
	}
	t.Cleanup(func() { goBuild = orig })
	var sums [2][]byte
	for i := range sums {
		dist := t.TempDir()
		var out bytes.Buffer
		if err := run([]string{"--version", "v1.2.3", "--dist", dist}, &out); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dist, "SHA256SUMS"))
		if err != nil {
			t.Fatal(err)
		}
		sums[i] = b
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		if len(lines) != len(Targets) || len(built) != len(Targets) {
			t.Fatalf("%d sums for %d targets (%d built):\n%s", len(lines), len(Targets), len(built), b)
		}
		for _, l := range lines {
			sum, name, ok := strings.Cut(l, "  ")
			data, err := os.ReadFile(filepath.Join(dist, name))
			if !ok || err != nil {
				t.Fatalf("SHA256SUMS line %q: %v", l, err)
			}
			if h := sha256.Sum256(data); hex.EncodeToString(h[:]) != sum {
				t.Errorf("%s: SHA256SUMS says %s, the file is %x", name, sum, h)
			}
			members := archiveMembers(t, name, data)
			dir := strings.TrimSuffix(strings.TrimSuffix(name, ".zip"), ".tar.gz")
			bin := "azrepl"
			if strings.Contains(name, "_windows_") {
				bin = "azrepl.exe"
			}
			if !strings.HasPrefix(name, "azrepl_1.2.3_") || members[dir+"/"+bin] != 0o755 || members[dir+"/README.md"] != 0o644 || len(members) != 2 {
				t.Errorf("%s holds %v", name, members)
			}
		}
	}
	if !bytes.Equal(sums[0], sums[1]) {
		t.Errorf("two runs over the same binaries differ:\n%s\n%s", sums[0], sums[1])
	}
}

// archiveMembers lists a .zip's or .tar.gz's files with their modes.
func archiveMembers(t *testing.T, name string, data []byte) map[string]os.FileMode {
	t.Helper()
	out := map[string]os.FileMode{}
	if strings.HasSuffix(name, ".zip") {
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range zr.File {
			out[f.Name] = f.Mode().Perm()
		}
		return out
	}
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out[h.Name] = os.FileMode(h.Mode).Perm()
	}
}

// TestVersionStampChecked: a binary that does not say the stamped version
// fails the release.
func TestVersionStampChecked(t *testing.T) {
	t.Chdir("..")
	orig := goBuild
	goBuild = func(out, version, goos, goarch string) error {
		return os.WriteFile(out, []byte("#!/bin/sh\necho 'azrepl dev (stand-in)'\n"), 0o755)
	}
	t.Cleanup(func() { goBuild = orig })
	host := goruntime.GOOS + "/" + goruntime.GOARCH
	err := run([]string{"--version", "v1.2.3", "--targets", host, "--dist", t.TempDir()}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "not version v1.2.3") {
		t.Fatalf("a binary without the stamp: %v", err)
	}
}

func TestVersionFlags(t *testing.T) {
	for _, c := range []struct {
		v    string
		snap bool
		ok   bool
	}{{"v1.2.3", false, true}, {"v1.2.3-rc.1", false, true}, {"1.2.3", false, false}, {"", false, false}, {"v1.0.0", true, false}, {"", true, true}} {
		_, err := pickVersion(c.v, c.snap)
		if (err == nil) != c.ok {
			t.Errorf("pickVersion(%q, %v): %v", c.v, c.snap, err)
		}
	}
}
