package httpx

import (
	"context"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/internal/hostilenet"
)

// hostile is an attacker's network on 127.0.0.1 (internal/hostilenet):
// any host name answered with a CA the client trusts; every request recorded.
type hostile struct {
	*hostilenet.Server
	pool  *x509.CertPool
	proxy *httptest.Server
}

type seenReq = hostilenet.Request

func newHostile(t testing.TB, h http.HandlerFunc) *hostile {
	t.Helper()
	s := hostilenet.New(t, h)
	return &hostile{Server: s, pool: s.Pool, proxy: s.Proxy}
}

func (hs *hostile) requests() []seenReq { return hs.Requests() }

// client is azrepl's client as a user has it behind that proxy, with a
// token source that hands out a recognisable token per scope.
func (hs *hostile) client() *Client {
	proxyURL, _ := url.Parse(hs.proxy.URL)
	c := New(Options{RootCAs: hs.pool, Proxy: http.ProxyURL(proxyURL), Retry: RetryPolicy{MaxAttempts: 1}})
	c.SetTokenSource(func(ctx context.Context, scope string) (string, error) { return "SECRET-TOKEN-" + scope, nil })
	return c
}

// leaked lists the requests that carried a credential to a place it must not reach.
func (hs *hostile) leaked(allowed func(seenReq) bool) []string {
	var out []string
	for _, r := range hs.requests() {
		creds := r.Header.Get("Authorization") != "" || strings.Contains(r.Body, "client_secret") ||
			strings.Contains(r.Body, "SECRET")
		for k := range r.Header {
			if IsCredentialHeader(k) {
				creds = true
			}
		}
		if creds && !allowed(r) {
			out = append(out, r.Method+" "+r.URL())
		}
	}
	return out
}
