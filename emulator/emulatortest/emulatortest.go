// Package emulatortest is the one way a test gets an emulator: started on
// loopback, closed when the test ends, with the world's apps at hand and
// the environment a child process needs to take it for the cloud. It
// imports nothing of azrepl, so the emulator's own tests use it too.
package emulatortest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/azrepl/azrepl/emulator"
)

// Start starts an emulator and closes it when tb ends. Its direct listener
// and its proxy listen on 127.0.0.1 at ports the system picks, unless cfg
// names others; the rest of cfg is kept.
func Start(tb testing.TB, cfg emulator.Config) *emulator.Emulator {
	tb.Helper()
	em, err := start(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = em.Close() })
	return em
}

// Main is Start for a TestMain, which has no testing.TB: it starts an
// emulator as Start does, calls run with it, closes it and returns run's
// exit status; a failed start is a line on stderr and status 1.
func Main(cfg emulator.Config, run func(*emulator.Emulator) int) int {
	em, err := start(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer em.Close()
	return run(em)
}

func start(cfg emulator.Config) (*emulator.Emulator, error) {
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	if cfg.Proxy == "" {
		cfg.Proxy = "127.0.0.1:0"
	}
	em, err := emulator.Start(context.Background(), cfg)
	if err != nil {
		return nil, fmt.Errorf("starting the emulator: %w", err)
	}
	return em, nil
}

// App is the world's app of that name; tb fails when there is none.
func App(tb testing.TB, em *emulator.Emulator, name string) emulator.App {
	tb.Helper()
	return named(tb, em.World().Apps, "app", name, func(a emulator.App) string { return a.Name })
}

// User is the world's user of that name; tb fails when there is none.
func User(tb testing.TB, em *emulator.Emulator, name string) emulator.User {
	tb.Helper()
	return named(tb, em.World().Users, "user", name, func(u emulator.User) string { return u.Name })
}

func named[T any](tb testing.TB, list []T, kind, name string, nameOf func(T) string) T {
	tb.Helper()
	i := slices.IndexFunc(list, func(x T) bool { return nameOf(x) == name })
	if i < 0 {
		var none T
		tb.Fatalf("the emulator's world has no %s %q", kind, name)
		return none
	}
	return list[i]
}

// Env is what a child process needs to reach em as the cloud, as KEY=VALUE
// lines: its proxy for HTTPS, loopback without it, and its CA (written to
// a file of tb's) as the trusted roots.
func Env(tb testing.TB, em *emulator.Emulator) []string {
	tb.Helper()
	ca := filepath.Join(tb.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, em.CAPEM(), 0o600); err != nil {
		tb.Fatal(err)
	}
	return []string{"HTTPS_PROXY=" + em.ProxyURL().String(), "NO_PROXY=localhost,127.0.0.1", "SSL_CERT_FILE=" + ca}
}
