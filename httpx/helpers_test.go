package httpx

import (
	"context"
	"crypto/x509"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"
)

// waits records the pauses the client asked for instead of sleeping them.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.d...)
}

func noProxy(*http.Request) (*url.URL, error) { return nil, nil }

// newTLSServer starts an HTTPS server on 127.0.0.1 and a client trusting it.
func newTLSServer(t testing.TB, h http.Handler, opts Options) (*httptest.Server, *Client, *waits) {
	t.Helper()
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	return srv, clientFor(srv, opts), nil
}

func clientFor(srv *httptest.Server, opts Options) *Client {
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	opts.RootCAs = pool
	if opts.Proxy == nil {
		opts.Proxy = noProxy
	}
	return New(opts)
}

// recordWaits makes c record its retry pauses rather than sleep them.
func recordWaits(c *Client) *waits {
	w := &waits{}
	c.sleep = func(ctx context.Context, d time.Duration) error {
		w.mu.Lock()
		w.d = append(w.d, d)
		w.mu.Unlock()
		return ctx.Err()
	}
	return w
}

// resetConn answers with a TCP reset: the connection is closed with
// SO_LINGER 0 under the TLS layer.
func resetConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	raw := conn
	if nc, ok := conn.(interface{ NetConn() net.Conn }); ok {
		raw = nc.NetConn()
	}
	if tcp, ok := raw.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = raw.Close()
}

// truncate promises a longer body than it sends.
func truncate(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", "1000")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(`{"value":[`))
}
