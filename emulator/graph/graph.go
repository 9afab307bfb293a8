// Package graph is the emulator's Microsoft Graph: /v1.0 and /beta for /me,
// /users, /groups and /$batch, with Graph's token checks, permission checks,
// paging, query options and error envelope.
package graph

import (
	"crypto/rsa"
	"net/http"
	"strings"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/bearer"
)

// User is a directory user; without GivenName and Surname they are taken
// from DisplayName ("Alice Smith").
type User struct {
	ID, UserPrincipalName, DisplayName, Mail     string
	GivenName, Surname, JobTitle, OfficeLocation string
}

// Group is a directory group.
type Group struct {
	ID, DisplayName, Description, MailNickname string
	SecurityEnabled, MailEnabled               bool
	CreatedDateTime                            time.Time
}

// Config is what the emulator core gives the Graph server.
type Config struct {
	TenantID  string
	PublicKey *rsa.PublicKey // verifies the RS256 access tokens
	Users     []User
	Groups    []Group
	// UserCount more users come from UserAt(i), after Users, and
	// UserIndex(key) finds one by id or UPN, as for groups.
	UserCount int
	UserAt    func(i int) User
	UserIndex func(key string) (int, bool)
	// GroupCount more groups come from GroupAt(i) when served, and
	// GroupIndex(id) finds one by id: a large tenant is never built.
	GroupCount int
	GroupAt    func(i int) Group
	GroupIndex func(id string) (int, bool)
	Now        func() time.Time // defaults to time.Now
	// Revoked, when set, is asked about every valid token (continuous access
	// evaluation): a revoked session gets Graph's insufficient_claims 401.
	Revoked bearer.RevocationFunc
	// Guests are the tenants where the world's users are guests: Graph
	// takes their tokens too (a guest sees the inviting tenant's
	// directory, as in the cloud), each with its own users.
	Guests []GuestDirectory
}

// GuestDirectory is a guest tenant's directory: its users (the guest
// accounts, with their own object ids) and no groups.
type GuestDirectory struct {
	TenantID string
	Users    []User
}

// directory is one tenant's users and groups.
type directory struct{ users, groups *entitySet }

type server struct {
	cfg     Config
	checker *bearer.Checker
	dirs    map[string]*directory // by lower-case tenant id: the home tenant and its guest tenants
}

// New returns the Graph handler.
func New(cfg Config) http.Handler {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	dirs := map[string]*directory{strings.ToLower(cfg.TenantID): {
		users:  newUserSet(cfg.Users, cfg.UserCount, cfg.UserAt, cfg.UserIndex),
		groups: newGroupSet(cfg.Groups, cfg.GroupCount, cfg.GroupAt, cfg.GroupIndex)}}
	for _, g := range cfg.Guests {
		dirs[strings.ToLower(g.TenantID)] = &directory{users: newUserSet(g.Users, 0, nil, nil), groups: newGroupSet(nil, 0, nil, nil)}
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
