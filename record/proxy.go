package record

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/azrepl/azrepl/internal/connlistener"
	"github.com/azrepl/azrepl/internal/leafca"
)

// proxy is the recorder's forward proxy on loopback. A CONNECT to a watched
// host is answered with a certificate of the run's CA and the requests inside
// are forwarded through the traced onward transport; a CONNECT to any other
// host is spliced to that host unread.
type proxy struct {
	ln     net.Listener
	front  *http.Server
	inner  *http.Server
	innerL *connlistener.Listener
	ca     *leafca.CA
	tls    *tls.Config // what every decrypted connection shares: one session ticket key
	hosts  hostSet
	onward http.RoundTripper // traced; strict TLS
	plain  http.RoundTripper // plain-HTTP requests to hosts not watched
	// route is the onward proxy of tunnels (the user's HTTPS_PROXY), nil = direct.
	route func(*http.Request) (*url.URL, error)
	notes *notes

	// served counts decrypted connections from their CONNECT until the
	// inner server is done with them, so that close returns after their
	// last note.
	served sync.WaitGroup

	mu      sync.Mutex
	tunnels map[net.Conn]bool
	closed  bool
}

type proxyConfig struct {
	CA     *leafca.CA
	Hosts  hostSet
	Onward http.RoundTripper
	Route  func(*http.Request) (*url.URL, error)
	Notes  *notes
}

const (
	dialTimeout      = 30 * time.Second
	handshakeTimeout = time.Minute // a bound for a stuck program, not a pace: 500 handshakes at once on a busy machine take seconds
)

func startProxy(cfg proxyConfig) (*proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &proxy{ln: ln, ca: cfg.CA, hosts: cfg.Hosts, onward: cfg.Onward, route: cfg.Route, notes: cfg.Notes,
		tunnels: map[net.Conn]bool{}}
	p.tls = &tls.Config{MinVersion: tls.VersionTLS12, NextProtos: []string{"http/1.1"}}
	// One ticket key for the run: a program that resumes TLS sessions (the
	// JVM, curl, Go with a session cache) skips the certificate and its
	// signature on its next connections. Each tls.Config otherwise makes
	// keys of its own, and every connection has a config of its own.
	var key [32]byte
	if _, err := rand.Read(key[:]); err != nil {
		_ = ln.Close()
		return nil, err
	}
	p.tls.SetSessionTicketKeys([][32]byte{key})
	p.plain = &http.Transport{Proxy: cfg.Route, DialContext: (&net.Dialer{Timeout: dialTimeout}).DialContext}
	quiet := log.New(io.Discard, "", 0)
	p.innerL = connlistener.New(ln.Addr())
	p.inner = &http.Server{Handler: p.forwarder(p.onward, "https"), ReadHeaderTimeout: time.Minute, ErrorLog: quiet,
		ConnState: p.connState,
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			if t, ok := c.(*targetConn); ok {
				return context.WithValue(ctx, targetKey{}, t.target)
			}
			return ctx
		}}
	p.front = &http.Server{Handler: http.HandlerFunc(p.serveFront), ReadHeaderTimeout: time.Minute, ErrorLog: quiet}
	go func() { _ = p.inner.Serve(p.innerL) }()
	go func() { _ = p.front.Serve(ln) }()
	return p, nil
}

// URL is what the child's HTTPS_PROXY and HTTP_PROXY say.
func (p *proxy) URL() string { return "http://" + p.ln.Addr().String() }

// close stops listening and ends every connection still open.
func (p *proxy) close() {
	p.mu.Lock()
	p.closed = true
	for c := range p.tunnels {
		_ = c.Close()
	}
	p.mu.Unlock()
	_ = p.front.Close()
	_ = p.inner.Close()
	_ = p.innerL.Close()
	done := make(chan struct{})
	go func() { p.served.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(closeWait): // a connection pushed but never accepted
	}
}

// closeWait bounds how long close waits for the inner server's last
// connection states.
const closeWait = 2 * time.Second

type targetKey struct{}

// targetConn carries the CONNECT target of a decrypted connection to the
// inner server's handler.
type targetConn struct {
	net.Conn
	target string
	used   atomic.Bool // a request came
}

// connState notes connections that closed before any request came: after a
// completed handshake that is a program checking the certificate itself
// (pinning) and hanging up.
func (p *proxy) connState(c net.Conn, st http.ConnState) {
	t, ok := c.(*targetConn)
	if !ok {
		return
	}
	switch st {
	case http.StateActive:
		t.used.Store(true)
	case http.StateClosed, http.StateHijacked:
		if !t.used.Load() {
			p.notes.closedUnused(normalHost(t.target))
		}
		p.served.Done()
	}
}

func (p *proxy) serveFront(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodConnect {
		p.connect(w, r)
		return
	}
	if !r.URL.IsAbs() || r.URL.Scheme != "http" {
		http.Error(w, "azrepl record: this is a forward proxy; send absolute http:// URLs or CONNECT", http.StatusBadRequest)
		return
	}
	if p.hosts.watched(r.URL.Host) {
		p.forwarder(p.onward, "http").ServeHTTP(w, r)
		return
	}
	p.forwarder(p.plain, "http").ServeHTTP(w, r)
}

func (p *proxy) connect(w http.ResponseWriter, r *http.Request) {
	target := r.Host
	if _, _, err := net.SplitHostPort(target); err != nil {
		target = net.JoinHostPort(target, "443")
	}
	watched := p.hosts.watched(target)
	var upstream net.Conn
	if !watched {
		c, err := p.dialTunnel(r.Context(), target)
		if err != nil {
			p.notes.tunnelFailed(normalHost(target), err)
			http.Error(w, "azrepl record: "+err.Error(), http.StatusBadGateway)
			return
		}
		upstream = c
	}
	if watched {
		// Counted before the program hears 200: if it hangs up and exits
		// at once, close still waits for this connection's note.
		p.served.Add(1)
	}
	client, ok := connlistener.Tunnel(w)
	if !ok {
		if upstream != nil {
			_ = upstream.Close()
		}
		if watched {
			p.served.Done()
		}
		return
	}
	if !watched {
		p.notes.tunnelled(normalHost(target))
		p.splice(client, upstream)
		return
	}
	p.intercept(client, target)
}

// intercept (counted in served) completes the TLS handshake with the child as target and hands
// the connection to the inner server. A handshake the child breaks off is
// what a program that does not trust the run's CA (its own trust store, a
// pinned certificate) does: it is noted for the summary.
func (p *proxy) intercept(conn net.Conn, target string) {
	host := normalHost(target)
	cfg := p.tls.Clone()
	cfg.GetCertificate = func(*tls.ClientHelloInfo) (*tls.Certificate, error) { return p.ca.Leaf(host) }
	// Checked here rather than in GetCertificate, which a resumed session skips.
	cfg.VerifyConnection = func(cs tls.ConnectionState) error {
		if cs.ServerName != "" && normalHost(cs.ServerName) != host {
			return fmt.Errorf("SNI %s does not match the CONNECT target %s", cs.ServerName, host)
		}
		return nil
	}
	tc := tls.Server(conn, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), handshakeTimeout)
	err := tc.HandshakeContext(ctx)
	cancel()
	if err != nil {
		p.notes.handshakeFailed(host, err)
		_ = tc.Close()
		p.served.Done()
		return
	}
	p.notes.intercepted(host)
	if !p.innerL.Push(&targetConn{Conn: tc, target: target}) {
		// The program ended before a request: noted as connState would.
		p.notes.closedUnused(host)
		p.served.Done()
	}
}

// forwarder passes each request on unchanged but for hop-by-hop headers
// (httputil.ReverseProxy drops those) and Accept-Encoding: without it Go's
// transport asks for gzip itself and unpacks the answer, so the trace holds
// readable, redactable text, and the child gets the same content uncompressed.
func (p *proxy) forwarder(rt http.RoundTripper, scheme string) http.Handler {
	return &httputil.ReverseProxy{
		Transport:     rt,
		FlushInterval: -1,
		ErrorLog:      log.New(io.Discard, "", 0),
		Rewrite: func(pr *httputil.ProxyRequest) {
			out := pr.Out
			if t, ok := pr.In.Context().Value(targetKey{}).(string); ok {
				out.URL.Host = trimDefaultPort(t, "443")
			} else {
				out.URL.Host = pr.In.URL.Host
			}
			out.URL.Scheme = scheme
			out.Host = ""
			out.Header.Del("Accept-Encoding")
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = fmt.Fprintf(w, "azrepl record: %s %s: %v\n", r.Method, r.URL.Host, err)
		},
	}
}

func trimDefaultPort(hostport, port string) string {
	if h, p, err := net.SplitHostPort(hostport); err == nil && p == port {
		if net.ParseIP(h) != nil && ipv6(h) {
			return "[" + h + "]"
		}
		return h
	}
	return hostport
}

func ipv6(h string) bool { ip := net.ParseIP(h); return ip != nil && ip.To4() == nil }

// dialTunnel opens the onward connection of a tunnel: through the user's
// proxy when one is set for that host, else directly.
func (p *proxy) dialTunnel(ctx context.Context, target string) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, dialTimeout)
	defer cancel()
	var via *url.URL
	if p.route != nil {
		req := &http.Request{Method: http.MethodConnect, URL: &url.URL{Scheme: "https", Host: target}, Host: target}
		u, err := p.route(req)
		if err != nil {
			return nil, err
		}
		via = u
	}
	d := &net.Dialer{}
	if via == nil {
		return d.DialContext(ctx, "tcp", target)
	}
	addr := via.Host
	if via.Port() == "" {
		addr = net.JoinHostPort(via.Hostname(), "80")
	}
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("the proxy %s: %w", via.Host, err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = c.SetDeadline(dl)
	}
	req := "CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n"
	if via.User != nil {
		pw, _ := via.User.Password()
		req += "Proxy-Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(via.User.Username()+":"+pw)) + "\r\n"
	}
	if _, err := io.WriteString(c, req+"\r\n"); err != nil {
		_ = c.Close()
		return nil, err
	}
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodConnect})
	if err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("the proxy %s: %w", via.Host, err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_ = c.Close()
		return nil, fmt.Errorf("the proxy %s refused CONNECT %s: %s", via.Host, target, resp.Status)
	}
	_ = c.SetDeadline(time.Time{})
	return connlistener.Prefixed(c, br), nil
}

// splice copies both ways until either side closes.
func (p *proxy) splice(a, b net.Conn) {
	if !p.track(a, b) {
		_ = a.Close()
		_ = b.Close()
		return
	}
	done := make(chan struct{}, 2)
	cp := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		if cw, ok := dst.(interface{ CloseWrite() error }); ok {
			_ = cw.CloseWrite()
		} else {
			_ = dst.Close()
		}
		done <- struct{}{}
	}
	go cp(a, b)
	go cp(b, a)
	<-done
	<-done
	_ = a.Close()
	_ = b.Close()
	p.untrack(a, b)
}

func (p *proxy) track(cs ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	for _, c := range cs {
		p.tunnels[c] = true
	}
	return true
}

func (p *proxy) untrack(cs ...net.Conn) {
	p.mu.Lock()
	for _, c := range cs {
		delete(p.tunnels, c)
	}
	p.mu.Unlock()
}
