package emulator

import (
	"net/http"
	"strings"

	"github.com/azrepl/azrepl/emulator/internal/wire"
)

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

// route picks the service: by host name for real cloud hosts (proxy), by path
// on the loopback origin (direct listener).
func (em *Emulator) route(w http.ResponseWriter, r *http.Request) {
	s := em.serviceForHost(r.Host)
	if s == nil {
		s = em.serviceForPath(r.URL.Path)
	}
	if s == nil || s.Handler == nil {
		http.NotFound(w, r)
		return
	}
	s.Handler.ServeHTTP(w, r)
}
