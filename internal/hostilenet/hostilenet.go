// Package hostilenet is an attacker's network for tests, all on 127.0.0.1:
// a CONNECT proxy whose tunnels reach one TLS server holding a certificate
// for any host name (its CA trusted, as a corporate proxy's or a mistaken
// SSL_CERT_FILE's would be), which also answers plain http:// requests.
// Every request it sees is recorded with its credentials.
package hostilenet

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/azrepl/azrepl/internal/leafca"
)

// Request is one request the network saw.
type Request struct {
	Scheme, Host, Path, Method string
	Header                     http.Header
	Body                       string
}

// URL is the request's scheme, host and path.
func (r Request) URL() string { return r.Scheme + "://" + r.Host + r.Path }

// Server is the network: Proxy is its CONNECT proxy, Pool and CAPEM its CA.
type Server struct {
	Pool  *x509.CertPool
	CAPEM []byte
	Proxy *httptest.Server

	mu      sync.Mutex
	seen    []Request
	handler http.HandlerFunc
}

// New starts the network; h answers every request, https and http.
func New(t testing.TB, h http.HandlerFunc) *Server {
	t.Helper()
	ca, err := leafca.New(leafca.Config{Name: "hostile CA", Lifetime: time.Hour, Backdate: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{handler: h, Pool: ca.Pool(), CAPEM: ca.PEM()}
	tlsCfg := &tls.Config{GetCertificate: ca.GetCertificate, NextProtos: []string{"http/1.1"}}
	tlsSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.record("https", r)
		s.handler(w, r)
	}))
	// Its own TLS listener, not StartTLS: httptest would add its own
	// certificate, which crypto/tls serves to a client that sends no server
	// name (one dialling an IP address) instead of asking GetCertificate.
	tlsSrv.Listener = tls.NewListener(tlsSrv.Listener, tlsCfg)
	tlsSrv.Start()
	t.Cleanup(tlsSrv.Close)
	s.Proxy = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			s.record("http", r) // a plain http:// request through the proxy
			s.handler(w, r)
			return
		}
		Tunnel(w, tlsSrv.Listener.Addr().String())
	}))
	t.Cleanup(s.Proxy.Close)
	return s
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

// Requests are the requests seen so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.seen...)
}
