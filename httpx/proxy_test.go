package httpx

import (
	"context"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/azrepl/azrepl/internal/hostilenet"
)

// connectProxy is a CONNECT proxy on 127.0.0.1 that sends every tunnel to
// one address (as the emulator does) and counts the tunnels it opened.
type connectProxy struct {
	target   string
	connects atomic.Int32
	mu       sync.Mutex
	hosts    []string
}

func (p *connectProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodConnect {
		http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
		return
	}
	p.connects.Add(1)
	p.mu.Lock()
	p.hosts = append(p.hosts, r.Host)
	p.mu.Unlock()
	hostilenet.Tunnel(w, p.target)
}

// The proxy and the trust come from the environment, as a user sets them:
// HTTPS_PROXY and SSL_CERT_FILE (with the test server's CA in it).
func TestProxyAndCertFileFromEnvironment(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"host":"` + r.Host + `"}`))
	}))
	defer srv.Close()
	p := &connectProxy{target: srv.Listener.Addr().String()}
	ps := httptest.NewServer(p)
	defer ps.Close()

	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	// Without the CA, TLS verification fails. (This runs first: crypto/x509
	// loads the system pool once per process.)
	t.Setenv("SSL_CERT_FILE", "")
	c0 := New(Options{Proxy: http.ProxyURL(mustURL(ps.URL))})
	if _, err := c0.Do(context.Background(), &Request{URL: "https://graph.example.com/", MaxAttempts: 1}); err == nil {
		t.Fatal("untrusted server accepted")
	}

	t.Setenv("HTTPS_PROXY", ps.URL)
	t.Setenv("NO_PROXY", "")
	t.Setenv("SSL_CERT_FILE", caFile)

	c := New(Options{}) // no roots, no proxy: both from the environment
	for range 3 {
		resp, err := c.Do(context.Background(), &Request{URL: "https://graph.example.com/v1.0/me"})
		if err != nil {
			t.Fatal(err)
		}
		if string(resp.Body) != `{"host":"graph.example.com"}` {
			t.Fatalf("body %s", resp.Body)
		}
	}
	// Connection reuse: one tunnel for three requests (the first CONNECT was c0's).
	if n := p.connects.Load(); n != 2 || p.hosts[1] != "graph.example.com:443" {
		t.Fatalf("%d CONNECTs to %v", n, p.hosts)
	}
}
