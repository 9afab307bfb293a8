package emulator

import (
	"net/http"
	"strings"

	"github.com/azrepl/azrepl/emulator/entra"
	"github.com/azrepl/azrepl/emulator/internal/wire"
)

// The host names the emulator answers for. Everything else is refused: the
// emulator never dials out.
const (
	hostLogin      = entra.Host
	hostGraph      = "graph.microsoft.com"
	hostARM        = "management.azure.com"
	hostDevicePage = "microsoft.com"
	hostDatabricks = ".azuredatabricks.net"
)

// Service is one emulated service: the cloud host names it answers for
// (through the proxy), the first path segments that reach it on the direct
// listener, and its handler. Every service is one row of Emulator.services;
// adding a service is adding a row (see services in resources.go).
type Service struct {
	Name     string   // "entra", "graph", ...: used in logs and by ServiceURL
	Hosts    []string // exact host names, lower case
	Suffixes []string // host name suffixes, e.g. ".azuredatabricks.net" (after exact hosts of every row)
	Paths    []string // path prefixes (whole segments) on the direct listener, e.g. "/v1.0"
	Fallback bool     // the direct listener's default for paths no row claims (Entra: "/{tenant}/...")
	// Listen, when set, gives the service its own plain-HTTP loopback
	// listener (e.g. "127.0.0.1:0") as well, for endpoints that are plain
	// HTTP in the cloud (managed identity). ServiceURL returns its origin.
	Listen  string
	Handler http.Handler
}

// serviceForHost maps a cloud host name to its service: exact names of every
// row first, then suffixes in table order; nil for any host the emulator does
// not serve (including loopback addresses).
func (em *Emulator) serviceForHost(host string) *Service {
	h := wire.HostOnly(host)
	for i := range em.services {
		for _, name := range em.services[i].Hosts {
			if h == name {
				return &em.services[i]
			}
		}
	}
	for i := range em.services {
		for _, suf := range em.services[i].Suffixes {
			if strings.HasSuffix(h, suf) && len(h) > len(suf) {
				return &em.services[i]
			}
		}
	}
	return nil
}

// serviceForPath routes requests on the direct listener, where every service
// shares one origin: by path prefix (whole segments), else the fallback row.
func (em *Emulator) serviceForPath(path string) *Service {
	var fallback *Service
	for i := range em.services {
		s := &em.services[i]
		for _, p := range s.Paths {
			if p != "" && (path == p || strings.HasPrefix(path, p+"/")) {
				return s
			}
		}
		if s.Fallback && fallback == nil {
			fallback = s
		}
	}
	return fallback
}

// hostNames lists the served host names for messages ("*.suffix" for suffixes).
// HostNames lists the cloud host names the proxy answers for, a suffix row as
// "*.suffix"; azrepl's recorder compares its own list with it in a test.
func (em *Emulator) HostNames() []string { return em.hostNames() }

func (em *Emulator) hostNames() []string {
	var out []string
	for _, s := range em.services {
		out = append(out, s.Hosts...)
		for _, suf := range s.Suffixes {
			out = append(out, "*"+suf)
		}
	}
	return out
}
