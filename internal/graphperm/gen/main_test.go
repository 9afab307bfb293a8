package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestGeneratedUpToDate regenerates the table from source/ and compares it
// with the committed files: a changed source or generator without
// `go generate` fails here.
func TestGeneratedUpToDate(t *testing.T) {
	out := t.TempDir()
	if err := run(filepath.Join("..", "source"), out); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"table.bin.gz", "table_gen.go"} {
		got, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join("..", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what go generate writes now: run go generate ./internal/graphperm", name)
		}
	}
}
