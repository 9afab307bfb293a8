package graph

import (
	"net/http"
	"strings"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/bearer"
)

// New returns the Graph handler.
func New(cfg Config) http.Handler {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	dirs := map[string]*directory{strings.ToLower(cfg.TenantID): newDirectory(
		newUserSet(cfg.Users, cfg.UserCount, cfg.UserAt, cfg.UserIndex), cfg.Groups,
		generated{cfg.GroupCount, cfg.GroupAt, cfg.GroupIndex})}
	for _, g := range cfg.Guests {
		dirs[strings.ToLower(g.TenantID)] = newDirectory(newUserSet(g.Users, 0, nil, nil), nil, generated{})
	}
	// The tenant is checked against dirs after the signature, audience and lifetime.
	return &server{cfg: cfg, dirs: dirs,
		checker: &bearer.Checker{Key: cfg.PublicKey, Audiences: graphAudiences, Now: cfg.Now, Revoked: cfg.Revoked}}
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc := newRequestContext(s, w, r)
	p, ok := s.authenticate(rc)
	if !ok {
		return
	}
	if !rc.decodeBody() {
		return
	}
	version, rest, ok := splitVersion(r.URL.Path)
	if !ok {
		rc.fail(http.StatusBadRequest, "BadRequest", "Invalid version.")
		return
	}
	if rest == "$batch" {
		s.serveBatch(rc, p, version)
		return
	}
	s.route(rc, p, version, rest)
}
