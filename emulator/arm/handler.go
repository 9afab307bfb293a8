package arm

import (
	"net/http"
	"strings"
	"time"
)

// New returns the ARM handler. It panics on a role assignment naming a
// role that is not built in (the world checks its file when it loads).
func New(cfg Config) http.Handler {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	r, err := newRBAC(cfg)
	if err != nil {
		panic(err)
	}
	return &server{cfg: cfg, groups: groups{rgs: map[string]*resourceGroup{}, ops: map[string]*operation{}}, rbac: r,
		tags: tagStore{m: map[string]map[string]string{}}}
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc := newRequestContext(s, w, r)
	claims, ok := s.authenticate(rc)
	if !ok {
		return
	}
	rc.claims, rc.caller = claims, s.callerOf(claims)
	// ARM paths are case-insensitive.
	segs := strings.Split(strings.Trim(strings.ToLower(r.URL.Path), "/"), "/")
	if !rc.checkAPIVersion(resourceType(segs)) {
		return
	}
	switch {
	case len(segs) >= 2 && segs[0] == "subscriptions":
		s.serveSubscription(rc, segs)
	case len(segs) == 1 && segs[0] == "tenants":
		if rc.methodIs(http.MethodGet) {
			rc.writePage(s.tenants(rc.caller), false)
		}
	case len(segs) == 1 && segs[0] == "subscriptions":
		if rc.methodIs(http.MethodGet) {
			rc.writePage(s.subscriptions(rc.caller), true)
		}
	case len(segs) >= 3 && segs[0] == "providers":
		s.serveProvider(rc, "", segs[1:])
	default:
		// Real: Cloudquery/cloudquery#6635.
		rc.fail(http.StatusNotFound, "MissingSubscription", "The request did not have a subscription or a valid tenant level resource provider.")
	}
}
