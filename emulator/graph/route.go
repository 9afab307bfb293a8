package graph

import (
	"encoding/json"
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
		s.routeMe(rc, p, version, segs[1:])
		return
	case "users":
		if len(segs) == 3 && strings.EqualFold(segs[2], "memberOf") {
			if rc.allowGet() && p.allowedOrDenied(rc, http.MethodGet, rest) {
				s.serveUserMemberOf(rc, p, version, segs[1])
			}
			return
		}
		set = p.dir.users
	case "groups":
		if s.routeGroupWrite(rc, p, version, rest, segs) {
			return
		}
		set = p.dir.groups.Load()
	default:
		rc.segmentNotFound(segs[0])
		return
	}
	if len(segs) > 2 {
		rc.segmentNotFound(segs[2])
		return
	}
	if !rc.allowGet() || !p.allowedOrDenied(rc, http.MethodGet, rest) {
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

// routeGroupWrite serves the group calls beyond reading the collection and
// its items: creating, changing and deleting groups, and their members. It
// reports whether it answered.
func (s *server) routeGroupWrite(rc *requestContext, p *principal, version, rest string, segs []string) bool {
	method := rc.r.Method
	var write func(d *directory, body map[string]json.RawMessage)
	withBody := method != http.MethodDelete
	switch {
	case len(segs) == 1 && method == http.MethodPost:
		write = func(d *directory, body map[string]json.RawMessage) { s.createGroup(rc, d, body, version) }
	case len(segs) == 2 && segs[1] != "$count" && method == http.MethodPatch:
		write = func(d *directory, body map[string]json.RawMessage) { updateGroup(rc, d, body, segs[1]) }
	case len(segs) == 2 && segs[1] != "$count" && method == http.MethodDelete:
		write = func(d *directory, _ map[string]json.RawMessage) { deleteGroup(rc, d, segs[1]) }
	case len(segs) == 3 && strings.EqualFold(segs[2], "members"):
		if rc.allowGet() && p.allowedOrDenied(rc, method, rest) {
			serveMembers(rc, p.dir, version, segs[1])
		}
		return true
	case len(segs) == 4 && strings.EqualFold(segs[2], "members") && segs[3] == "$ref" && method == http.MethodPost:
		write = func(d *directory, body map[string]json.RawMessage) { addMember(rc, d, body, segs[1]) }
	case len(segs) == 5 && strings.EqualFold(segs[2], "members") && segs[4] == "$ref" && method == http.MethodDelete:
		write = func(d *directory, _ map[string]json.RawMessage) { removeMember(rc, d, segs[1], segs[3]) }
	case len(segs) >= 4 && strings.EqualFold(segs[2], "members") && segs[len(segs)-1] == "$ref":
		rc.methodNotAllowed()
		return true
	default:
		return false
	}
	if !p.allowedOrDenied(rc, method, rest) {
		return true
	}
	var body map[string]json.RawMessage
	if withBody {
		var ok bool
		if body, ok = rc.readObject(); !ok {
			return true
		}
	}
	// Writes to a directory take turns; reads never wait (see directory).
	p.dir.mu.Lock()
	defer p.dir.mu.Unlock()
	write(p.dir, body)
	return true
}

// routeMe serves /me and /me/memberOf, which only a user's token has.
func (s *server) routeMe(rc *requestContext, p *principal, version string, segs []string) {
	if len(segs) > 1 || (len(segs) == 1 && !strings.EqualFold(segs[0], "memberOf")) {
		rc.segmentNotFound(segs[0])
		return
	}
	if !rc.allowGet() {
		return
	}
	if !p.delegated {
		rc.fail(http.StatusBadRequest, "BadRequest", "/me request is only valid with delegated authentication flow.")
		return
	}
	path := "me"
	if len(segs) == 1 {
		path = "me/memberOf"
	}
	if !p.allowedOrDenied(rc, http.MethodGet, path) {
		return
	}
	if len(segs) == 1 {
		s.serveMemberOf(rc, p, version, p.oid)
		return
	}
	s.serveEntity(rc, p.dir.users, version, p.oid)
}
