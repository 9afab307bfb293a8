// Package testenv lets tests that drive real programs (tmux, chromium, the
// Azure CLI) skip where those are not installed — and fail instead under CI,
// where .ci/run installs them: a skipped fidelity test must not pass as green.
package testenv

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// LookPath returns the path of the program name, or skips the test (fails it
// when $CI is set).
func LookPath(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(t, name+" is not installed (.ci/run installs it)")
	}
	return p
}

// Missing skips the test for a missing prerequisite, or fails it under CI.
func Missing(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(why + " — CI must have it")
	}
	t.Skip(why)
}

// Buffer collects output that several goroutines write (a runtime's
// console, the device-code prompt) while the test reads it.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// RunWithAzrepl is a TestMain for packages that run the azrepl binary: it
// builds azrepl once into a temp folder, static as the README builds it, sets *bin to its path, runs the
// tests, removes the folder and exits with the tests' status.
func RunWithAzrepl(m *testing.M, bin *string) {
	dir, err := os.MkdirTemp("", "azrepl-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	*bin = filepath.Join(dir, "azrepl")
	build := exec.Command("go", "build", "-o", *bin, "github.com/azrepl/azrepl")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building azrepl:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
