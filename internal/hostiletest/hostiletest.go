// Package hostiletest is an attacker's setup on 127.0.0.1 for tests: a
// CONNECT proxy whose tunnels all reach one TLS server holding a certificate
// for any host name, from a CA the victim trusts (as a corporate proxy's or
// a mistaken SSL_CERT_FILE's would be), and which answers plain http://
// requests itself. Every request it sees is recorded with its credentials.
package hostiletest

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Request is one request the server saw.
type Request struct {
	Scheme, Host, Path, Method string
	Header                     http.Header
	Body                       string
}

// URL is the request's scheme, host and path.
func (r Request) URL() string { return r.Scheme + "://" + r.Host + r.Path }

// Server answers every host name through its proxy.
type Server struct {
	Pool  *x509.CertPool   // trusts the server's CA
	Proxy *httptest.Server // the CONNECT proxy; plain http:// requests are answered by the handler

	caDER []byte

	mu      sync.Mutex
	seen    []Request
	handler http.HandlerFunc
}

// New starts the proxy and the TLS server; h answers every request, https
// and http. Both stop when the test ends.
func New(t testing.TB, h http.HandlerFunc) *Server {
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
	s := &Server{Pool: x509.NewCertPool(), handler: h, caDER: caDER}
	s.Pool.AddCert(ca)
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
		s.record("https", r)
		s.serve(w, r)
	}))
	tlsSrv.TLS = tlsCfg
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)
	s.Proxy = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			s.record("http", r) // a plain http:// request through the proxy
			s.serve(w, r)
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
	t.Cleanup(s.Proxy.Close)
	return s
}

// SetHandler replaces what answers the requests.
func (s *Server) SetHandler(h http.HandlerFunc) {
	s.mu.Lock()
	s.handler = h
	s.mu.Unlock()
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	h := s.handler
	s.mu.Unlock()
	h(w, r)
}

// ProxyFunc routes every request through the proxy.
func (s *Server) ProxyFunc() func(*http.Request) (*url.URL, error) {
	u, _ := url.Parse(s.Proxy.URL)
	return http.ProxyURL(u)
}

// Client is a plain client of a victim who trusts the CA and uses the
// proxy; it never follows a redirect, as azrepl's token client does not.
func (s *Server) Client() *http.Client {
	return &http.Client{
		Transport: &http.Transport{Proxy: s.ProxyFunc(), TLSClientConfig: &tls.Config{RootCAs: s.Pool}},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

func (s *Server) record(scheme string, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(strings.NewReader(string(b)))
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	s.mu.Lock()
	s.seen = append(s.seen, Request{Scheme: scheme, Host: host, Path: r.URL.RequestURI(), Method: r.Method, Header: r.Header.Clone(), Body: string(b)})
	s.mu.Unlock()
}

// CAFile writes the CA certificate as PEM into a temporary folder of the
// test, for SSL_CERT_FILE of a program the test runs.
func (s *Server) CAFile(t testing.TB) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "hostile-ca.pem")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.caDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// Requests are the requests seen so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.seen...)
}
