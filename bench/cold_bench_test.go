package bench

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/auth"
	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/emulatortest"
	"github.com/azrepl/azrepl/httpx"
)

// BenchmarkColdExchange is the work behind bench/cold-exchange without the
// process start: a new client (transport, root pool from SSL_CERT_FILE and
// the system bundle as a new process builds it, a new TLS connection
// through the emulator's proxy) opens the cache as it was after login and
// gets a token for a scope it does not hold, by one refresh-token exchange
// (the emulator's side of it is in the same process and profile).
// httpx's BenchmarkLoadRoots is the root pool alone, which a process builds once.
func BenchmarkColdExchange(b *testing.B) {
	em := emulatortest.Start(b, emulator.Config{ApproveAfter: 50 * time.Millisecond})
	ca := filepath.Join(b.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, em.CAPEM(), 0o600); err != nil {
		b.Fatal(err)
	}
	b.Setenv("SSL_CERT_FILE", ca)
	home := b.TempDir()
	newSession := func() *auth.Session {
		c := httpx.New(httpx.Options{Proxy: http.ProxyURL(em.ProxyURL())})
		s, err := auth.NewSession(auth.Config{HTTP: c.HTTPClient(), Home: home, Prompt: &strings.Builder{}, Getenv: func(string) string { return "" }})
		if err != nil {
			b.Fatal(err)
		}
		return s
	}
	ctx := context.Background()
	if _, err := newSession().Login(ctx, auth.LoginOptions{}); err != nil {
		b.Fatal(err)
	}
	files, err := os.ReadDir(home)
	if err != nil {
		b.Fatal(err)
	}
	saved := map[string][]byte{}
	for _, f := range files {
		if !f.IsDir() {
			saved[f.Name()], _ = os.ReadFile(filepath.Join(home, f.Name()))
		}
	}
	const scope = "https://vault.azure.net/.default"
	b.Run("exchange", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			for name, data := range saved {
				if err := os.WriteFile(filepath.Join(home, name), data, 0o600); err != nil {
					b.Fatal(err)
				}
			}
			b.StartTimer()
			t, err := newSession().Token(ctx, scope, auth.TokenOptions{})
			if err != nil || t.FromCache {
				b.Fatalf("token %v, from cache %v", err, t != nil && t.FromCache)
			}
		}
	})
}
