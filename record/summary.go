package record

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/azrepl/azrepl/explain"
)

// WriteSummary writes what the run recorded, one line per exchange, then
// what went unrecorded and why.
func WriteSummary(w io.Writer, argv []string, res *Result) {
	prog := filepath.Base(argv[0])
	fmt.Fprintf(w, "azrepl record: %s made %d recorded exchanges\n", prog, len(res.Exchanges))
	for _, s := range explain.Steps(res.Exchanges) {
		fmt.Fprintln(w, "  "+explain.Line(prog, s))
	}
	c := res.Connections
	for _, h := range c.HandshakeFailed {
		fmt.Fprintf(w, "  TLS failure: %s refused the recorder's certificate for %s (%s): it does not use the CA bundle it was given (SSL_CERT_FILE, REQUESTS_CA_BUNDLE…) or pins the server's certificate; its requests to %s are not recorded\n",
			prog, h.Host, h.Error, h.Host)
	}
	for _, h := range c.ClosedUnused {
		fmt.Fprintf(w, "  TLS: %s closed %d connection(s) to %s right after the handshake, before any request: it checks the server's certificate itself (certificate pinning) and refused the recorder's\n",
			prog, h.Count, h.Host)
	}
	for _, h := range c.TunnelFailed {
		fmt.Fprintf(w, "  tunnel to %s failed: %s\n", h.Host, h.Error)
	}
	if len(c.Tunnelled) > 0 {
		var hosts []string
		for _, h := range c.Tunnelled {
			hosts = append(hosts, fmt.Sprintf("%s ×%d", h.Host, h.Count))
		}
		fmt.Fprintf(w, "  tunnelled, not decrypted: %s (--intercept HOST records a host)\n", strings.Join(hosts, ", "))
	}
	if len(res.Exchanges) == 0 {
		why := "it made no HTTPS request through the proxy: it may ignore HTTPS_PROXY (a program with its own proxy setting, or a Go program whose http.Transport has no Proxy), or it did not go online"
		switch {
		case len(c.HandshakeFailed) > 0 || len(c.ClosedUnused) > 0:
			why = "it refused the recorder's certificate (see the TLS failure above)"
		case len(c.Intercepted) > 0:
			why = "its decrypted connections carried no complete request"
		case len(c.Tunnelled) > 0:
			why = "it only reached hosts that are not watched (see above); add --intercept HOST to record one"
		}
		fmt.Fprintf(w, "  nothing was recorded: %s\n", why)
	}
}
