package httpx

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// hostile is an attacker's setup on 127.0.0.1: a CONNECT proxy whose tunnels
// all reach one TLS server holding a certificate for any host name (its CA
// is trusted, as a corporate proxy's or a mistaken SSL_CERT_FILE's would
// be), and which answers plain http:// requests itself. Every request it
// sees is recorded with its credentials.
type hostile struct {
	t       testing.TB
	mu      sync.Mutex
	seen    []seenReq
	handler http.HandlerFunc // answers every request, https and http
	pool    *x509.CertPool
	proxy   *httptest.Server
}

type seenReq struct {
	Scheme, Host, Path, Method string
	Header                     http.Header
	Body                       string
}

func (s seenReq) URL() string { return s.Scheme + "://" + s.Host + s.Path }

func newHostile(t testing.TB, h http.HandlerFunc) *hostile {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "hostile CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	hs := &hostile{t: t, handler: h, pool: x509.NewCertPool()}
	hs.pool.AddCert(ca)
	var serial int64 = 1
	var certMu sync.Mutex
	tlsCfg := &tls.Config{GetCertificate: func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
		certMu.Lock()
		serial++
		n := serial
		certMu.Unlock()
		key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(n), Subject: pkix.Name{CommonName: hello.ServerName},
			DNSNames: []string{hello.ServerName}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		if err != nil {
			return nil, err
		}
		return &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
	}, NextProtos: []string{"http/1.1"}}
	tlsSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hs.record("https", r)
		hs.handler(w, r)
	}))
	tlsSrv.TLS = tlsCfg
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)
	hs.proxy = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			hs.record("http", r) // a plain http:// request through the proxy
			hs.handler(w, r)
			return
		}
		up, err := net.Dial("tcp", tlsSrv.Listener.Addr().String())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		w.WriteHeader(http.StatusOK)
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			up.Close()
			return
		}
		go func() { _, _ = io.Copy(up, buf); up.Close() }()
		_, _ = io.Copy(conn, bufio.NewReader(up))
		conn.Close()
	}))
	t.Cleanup(hs.proxy.Close)
	return hs
}

func (hs *hostile) record(scheme string, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(strings.NewReader(string(b)))
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	hs.mu.Lock()
	hs.seen = append(hs.seen, seenReq{Scheme: scheme, Host: host, Path: r.URL.RequestURI(), Method: r.Method, Header: r.Header.Clone(), Body: string(b)})
	hs.mu.Unlock()
}

func (hs *hostile) requests() []seenReq {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	return append([]seenReq(nil), hs.seen...)
}

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
