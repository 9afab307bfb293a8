package emulator

import (
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/wire"
	"github.com/azrepl/azrepl/internal/connlistener"
)

// proxy is the forward proxy: CONNECT to a served host is terminated here with
// a certificate from the emulator CA; anything else is refused. It never dials out.
func (em *Emulator) proxy(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodConnect {
		em.refuse(w, r, http.StatusForbidden, fmt.Sprintf(
			"azrepl emulator: plain-HTTP proxy request for %s refused; the emulator only serves https (CONNECT) to its own hosts and never dials out\n", r.Host))
		return
	}
	host := wire.HostOnly(r.Host)
	if em.serviceForHost(r.Host) == nil {
		em.refuse(w, r, http.StatusForbidden, fmt.Sprintf(
			"azrepl emulator: refusing CONNECT to %s: not a host the emulator serves (%s); it never dials out\n", host, strings.Join(em.hostNames(), ", ")))
		return
	}
	raw, ok := connlistener.Tunnel(w)
	if !ok {
		return
	}
	cfg := serverTLS(em.ca)
	getCert := cfg.GetCertificate
	cfg.GetCertificate = func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
		if hello.ServerName == "" {
			return em.ca.Leaf(host) // no SNI: use the CONNECT target
		}
		return getCert(hello)
	}
	em.tunnels.Push(tls.Server(raw, cfg))
}

// refuse answers a proxy request the emulator will not serve, and logs it.
func (em *Emulator) refuse(w http.ResponseWriter, r *http.Request, status int, msg string) {
	em.log.write(map[string]any{"time": time.Now().UTC().Format(time.RFC3339Nano), "method": r.Method, "host": r.Host, "path": r.URL.Path, "status": status,
		"headers": maskedHeaders(r.Header), "refused": true})
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Connection", "close")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, msg)
}
