package graph

import (
	"net/http"
	"strings"
)

// splitVersion separates "/v1.0/groups/x" into "v1.0" and "groups/x".
func splitVersion(path string) (version, rest string, ok bool) {
	path = strings.TrimPrefix(path, "/")
	version, rest, _ = strings.Cut(path, "/")
	if version != "v1.0" && version != "beta" {
		return "", "", false
	}
	return version, strings.TrimSuffix(rest, "/"), true
}

// route serves one API request (also used for each $batch item).
func (s *server) route(rc *requestContext, p *principal, version, rest string) {
	segs := strings.Split(rest, "/")
	if rest == "" {
		rc.fail(http.StatusBadRequest, "BadRequest", "Resource not found for the segment ''.")
		return
	}
	var set *entitySet
	switch strings.ToLower(segs[0]) {
	case "me":
		if len(segs) > 1 {
			rc.segmentNotFound(segs[1])
			return
		}
		if !rc.allowGet() {
			return
		}
		s.serveMe(rc, p, version)
		return
	case "users":
		set = p.dir.users
	case "groups":
		set = p.dir.groups
	default:
		rc.segmentNotFound(segs[0])
		return
	}
	if len(segs) > 2 {
		rc.segmentNotFound(segs[2])
		return
	}
	if !rc.allowGet() {
		return
	}
	if !p.allowed(http.MethodGet, rest) {
		rc.denied()
		return
	}
	switch {
	case len(segs) == 1:
		s.serveCollection(rc, set, version)
	case segs[1] == "$count":
		s.serveCount(rc, set)
	default:
		s.serveEntity(rc, set, version, segs[1])
	}
}

func (s *server) serveMe(rc *requestContext, p *principal, version string) {
	if !p.delegated {
		rc.fail(http.StatusBadRequest, "BadRequest", "/me request is only valid with delegated authentication flow.")
		return
	}
	if !p.allowed(http.MethodGet, "me") {
		rc.denied()
		return
	}
	s.serveEntity(rc, p.dir.users, version, p.oid)
}
