// Package httpx is azrepl's one HTTP client: the audience of a URL, bearer
// tokens, retries with Retry-After, paging, batches, and a redacted trace of
// every exchange that can be exported as curl commands.
package httpx

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// TokenSource returns an access token for a scope. Refreshing a token before
// it expires is its job; httpx asks for a token on every attempt.
type TokenSource func(ctx context.Context, scope string) (string, error)

// ClaimsTokenSource returns a token for scope that satisfies a claims
// challenge (the decoded JSON of WWW-Authenticate's claims="…"), e.g. by a
// refresh-token exchange carrying the claims parameter.
type ClaimsTokenSource func(ctx context.Context, scope, claims string) (string, error)

// Options configure New. Zero values pick the defaults described per field.
type Options struct {
	// RootCAs: nil = the system roots plus the certificates of $SSL_CERT_FILE.
	RootCAs *x509.CertPool
	// Proxy: nil = http.ProxyFromEnvironment (HTTPS_PROXY, NO_PROXY).
	Proxy func(*http.Request) (*url.URL, error)
	// Debug, when set, receives each exchange, redacted, as it completes.
	Debug io.Writer
	// TraceSize is how many exchanges the trace keeps (default 1000).
	TraceSize int
	// BodyLimit caps each body kept in the trace (default 64 KiB).
	BodyLimit int
	// TraceBytes caps the bodies the trace keeps in all (default 8 MiB):
	// past it the oldest exchanges go, whatever TraceSize says, so paging
	// through big pages keeps the last ~128 of them, not 1000 × 64 KiB.
	TraceBytes int
	// Retry tunes retries; zero fields take DefaultRetry's values.
	Retry RetryPolicy
	// OnRetry, when set, is told before each wait (bindings show it on a TTY).
	OnRetry func(RetryEvent)
	// Transport, when set, replaces the network under the trace: reading
	// an archive (a HAR file) through it records and redacts its exchanges
	// exactly as live ones.
	Transport http.RoundTripper
	// MaxBody caps a response body Do reads (default DefaultMaxBody); a
	// larger one fails with ErrTooLarge instead of filling memory.
	MaxBody int64
	// RequestTimeout bounds each request HTTPClient sends (token, device
	// code, discovery), its answer's body included: a token endpoint that
	// trickles its answer ends in an error (default DefaultRequestTimeout).
	RequestTimeout time.Duration
}

// DefaultRequestTimeout is RequestTimeout when Options leave it zero.
const DefaultRequestTimeout = 60 * time.Second

// ParseTimeout reads a timeout setting (AZREPL_TIMEOUT): a Go duration
// ("90s", "2m") or whole seconds ("90"); 0 when empty or not positive.
func ParseTimeout(s string) time.Duration {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return d
	}
	return 0
}

// DefaultMaxBody is the response body cap when Options leave it zero:
// far above any page a cloud API answers, far below the machine's memory.
const DefaultMaxBody = 256 << 20

// DefaultTraceBytes bounds the trace's bodies in all when Options leave
// TraceBytes zero.
const DefaultTraceBytes = 8 << 20

// Client is safe for concurrent use.
type Client struct {
	hc      *http.Client // Do's: follows redirects by checkRedirect
	authHC  *http.Client // HTTPClient's: the same transport, never follows a redirect
	scopes  *scopeMap
	red     *redactor
	trace   *traceRing
	retry   RetryPolicy
	onRetry func(RetryEvent)
	maxBody int64

	mu     sync.RWMutex
	tokens TokenSource
	claims ClaimsTokenSource

	// sleep waits between attempts; tests replace it to record the waits.
	sleep func(ctx context.Context, d time.Duration) error
}

// New builds the client. TLS is always verified.
func New(opts Options) *Client {
	proxy := opts.Proxy
	if proxy == nil {
		proxy = http.ProxyFromEnvironment
	}
	// The transport, and with it the root pool, is built on the first
	// request: parsing the system bundle costs tens of milliseconds, which
	// `azrepl -e` and scripts that never call out should not pay.
	var base http.RoundTripper = &lazyTransport{build: func() http.RoundTripper { return newTransport(proxy, opts.RootCAs) }}
	if opts.Transport != nil {
		base = opts.Transport
	}
	red := &redactor{}
	size := opts.TraceSize
	if size <= 0 {
		size = 1000
	}
	limit := opts.BodyLimit
	if limit <= 0 {
		limit = 64 << 10
	}
	budget := opts.TraceBytes
	if budget <= 0 {
		budget = DefaultTraceBytes
	}
	tr := &traceRing{size: size, bodyLimit: limit, budget: budget, debug: opts.Debug, red: red}
	traced := &tracingTransport{base: base, ring: tr}
	c := &Client{
		hc:      &http.Client{Transport: traced, CheckRedirect: checkRedirect},
		authHC:  &http.Client{Transport: traced, CheckRedirect: noRedirect, Timeout: cmp.Or(opts.RequestTimeout, DefaultRequestTimeout)},
		scopes:  &scopeMap{},
		red:     red,
		trace:   tr,
		retry:   opts.Retry.withDefaults(),
		onRetry: opts.OnRetry,
		maxBody: opts.MaxBody,
		sleep:   sleepCtx,
	}
	if c.maxBody <= 0 {
		c.maxBody = DefaultMaxBody
	}
	return c
}

// HTTPClient is the traced, redacted client; auth uses it for its exchanges
// so that they appear in the trace too. It does not retry or add tokens, and
// it never follows a redirect: a token request answered by a 307 would send
// its secret again to wherever the redirect points.
func (c *Client) HTTPClient() *http.Client { return c.authHC }

// SetTokenSource sets where bearer tokens come from.
func (c *Client) SetTokenSource(ts TokenSource) {
	c.mu.Lock()
	c.tokens = ts
	c.mu.Unlock()
}

// SetClaimsTokenSource sets the hook called once when a response carries a
// claims challenge (error="insufficient_claims").
func (c *Client) SetClaimsTokenSource(cs ClaimsTokenSource) {
	c.mu.Lock()
	c.claims = cs
	c.mu.Unlock()
}

// AddSecret registers a value known to be secret (a client secret typed by
// the user): it is masked wherever it appears in the trace and debug output.
func (c *Client) AddSecret(s string) { c.red.add(s) }

// Redact masks secrets in any text with the client's rules and registry;
// bindings use it for error messages and printed values.
func (c *Client) Redact(s string) string { return c.red.text(s) }

// RedactURL masks secret query parameters and secrets in a URL.
func (c *Client) RedactURL(s string) string { return c.red.url(s) }

func newTransport(proxy func(*http.Request) (*url.URL, error), roots *x509.CertPool) http.RoundTripper {
	if roots != nil {
		return transportWith(proxy, &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12})
	}
	store := systemRoots()
	names := &tls.Config{MinVersion: tls.VersionTLS12}
	store.configure(names)
	if names.RootCAs != nil {
		return transportWith(proxy, names)
	}
	// A TLS client sends no server name for an IP address (RFC 6066 §3), so
	// the lazy check in VerifyConnection cannot know which address the leaf
	// must name. An https://<IP> URL goes through its own transport,
	// verified by crypto/tls itself against every trusted root, which
	// matches the address to the certificate's iPAddress names (RFC 2818 §3.1).
	return &byHostKind{
		names: transportWith(proxy, names),
		ips: &lazyTransport{build: func() http.RoundTripper {
			return transportWith(proxy, &tls.Config{RootCAs: store.all(), MinVersion: tls.VersionTLS12})
		}},
	}
}

func transportWith(proxy func(*http.Request) (*url.URL, error), tlsConf *tls.Config) *http.Transport {
	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:                 proxy,
		DialContext:           dialer.DialContext,
		TLSClientConfig:       tlsConf,
		ForceAttemptHTTP2:     true, // h2 when the server offers it in ALPN, also with a custom TLS config
		TLSHandshakeTimeout:   15 * time.Second,
		ResponseHeaderTimeout: 100 * time.Second,
		ExpectContinueTimeout: time.Second,
		IdleConnTimeout:       90 * time.Second,
		// Batches and paging prefetch hit one host many times at once: keep
		// enough idle connections per host that HTTP/1.1 servers see reuse
		// instead of a new TLS handshake per request.
		MaxIdleConns:        256,
		MaxIdleConnsPerHost: 64,
	}
}

// byHostKind sends requests for IP-address hosts through ips, the others
// through names.
type byHostKind struct {
	names, ips http.RoundTripper
}

func (b *byHostKind) RoundTrip(req *http.Request) (*http.Response, error) {
	if isIPHost(req.URL.Hostname()) {
		return b.ips.RoundTrip(req)
	}
	return b.names.RoundTrip(req)
}

// isIPHost reports whether host is an IP address (with or without a zone),
// which crypto/tls leaves out of the server name it sends.
func isIPHost(host string) bool {
	if i := strings.LastIndexByte(host, '%'); i > 0 {
		host = host[:i]
	}
	return net.ParseIP(host) != nil
}

// lazyTransport builds its RoundTripper once, on first use.
type lazyTransport struct {
	once  sync.Once
	build func() http.RoundTripper
	rt    http.RoundTripper
}

func (l *lazyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	l.once.Do(func() { l.rt = l.build() })
	return l.rt.RoundTrip(req)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
