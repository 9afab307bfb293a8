// Package arm is the emulator's Azure Resource Manager slice: /tenants and
// /subscriptions (what `az login` calls) and resource groups with
// asynchronous deletion, with ARM's token checks, api-version checked per
// resource type, nextLink paging and error envelope.
package arm

import (
	"crypto/rsa"
	"net/http"
	"strings"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/bearer"
)

// Subscription is one subscription; State defaults to "Enabled", TenantID
// to the home tenant.
type Subscription struct{ ID, DisplayName, State, TenantID string }

// Tenant is a tenant other than the home one whose tokens ARM takes (a
// tenant where users of the home tenant are guests); it may hold subscriptions.
type Tenant struct{ ID, DisplayName, DefaultDomain string }

// Config is what the emulator core gives the ARM server.
type Config struct {
	TenantID, TenantDisplayName, DefaultDomain string
	PublicKey                                  *rsa.PublicKey
	Subscriptions                              []Subscription
	Tenants                                    []Tenant
	Now                                        func() time.Time // defaults to time.Now
	// Revoked, when set, is asked about every valid token (continuous access
	// evaluation): a revoked session gets ARM's claims challenge.
	Revoked bearer.RevocationFunc
	// RBAC turns on Azure role-based access control: every call is
	// authorized with RoleAssignments, and /subscriptions lists only the
	// subscriptions where the caller holds a role. Off, every valid token
	// may do everything.
	RBAC            bool
	RoleAssignments []RoleAssignment
	// Principals are the directory's identities: group membership for
	// group assignments, guest identities for /tenants, and the check of
	// principalId when a role assignment is created.
	Principals []Principal
}

type server struct {
	cfg    Config
	groups groups
	rbac   *rbac
	tags   tagStore
}

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

// methodIs answers 405 unless the request is a GET (or HEAD) or the given method.
func (rc *requestContext) methodIs(m string) bool {
	if rc.r.Method == m || (m == http.MethodGet && rc.r.Method == http.MethodHead) {
		return true
	}
	rc.fail(http.StatusMethodNotAllowed, "MethodNotAllowed", "The requested resource does not support http method '"+rc.r.Method+"'.")
	return false
}

// serveSubscription handles /subscriptions/{id}/...: segs are lower-cased,
// names are taken from the path as sent.
func (s *server) serveSubscription(rc *requestContext, segs []string) {
	id := originalSegment(rc.r.URL.Path, 2)
	if id == "" || strings.Contains(rc.r.URL.Path, "//") {
		// "/subscriptions//resourceGroups/x": ARM reads the next segment as the id.
		id = originalSegment(strings.ReplaceAll(rc.r.URL.Path, "//", "/"), 2)
	}
	if !guidPattern().MatchString(id) {
		// Real: Azure/apiops#460, Azure/azure-cli#30953.
		rc.fail(http.StatusBadRequest, "InvalidSubscriptionId", "The provided subscription identifier '"+id+"' is malformed or invalid.")
		return
	}
	sub, ok := s.subscription(id)
	if !ok {
		rc.fail(http.StatusNotFound, "SubscriptionNotFound", "The subscription '"+id+"' could not be found.")
		return
	}
	if !rc.checkTenant(s.tenantOf(sub)) {
		return
	}
	subScope := "/subscriptions/" + sub.ID
	rest := segs[2:]
	switch {
	case len(rest) == 0:
		if !rc.methodIs(http.MethodGet) {
			return
		}
		if !s.hasAnyRole(rc.caller, subScope) {
			rc.authorize("Microsoft.Resources/subscriptions/read", subScope)
			return
		}
		rc.writeJSON(http.StatusOK, s.subscriptionJSON(sub))
	case rest[0] == "providers" && len(rest) >= 3:
		s.serveProvider(rc, subScope, rest[1:])
	case rest[0] == "resourcegroups" && len(rest) == 1:
		s.serveResourceGroups(rc, sub.ID, "")
	case rest[0] == "resourcegroups" && len(rest) == 2:
		s.serveResourceGroups(rc, sub.ID, originalSegment(rc.r.URL.Path, 4))
	case rest[0] == "resourcegroups" && len(rest) >= 5 && rest[2] == "providers":
		name := originalSegment(rc.r.URL.Path, 4)
		s.serveProvider(rc, subScope+"/resourceGroups/"+name, rest[3:])
	case rest[0] == "operationresults" && len(rest) == 2:
		s.serveOperation(rc, sub.ID, originalSegment(rc.r.URL.Path, 4))
	default:
		rc.fail(http.StatusNotFound, "NotFound", "The requested path '"+rc.r.URL.Path+"' was not found.")
	}
}

// serveProvider handles {scope}/providers/{namespace}/{type}[/{name}]
// for the extension resources the emulator has: role assignments and
// definitions, and tags at scope.
func (s *server) serveProvider(rc *requestContext, scope string, p []string) {
	name := ""
	if len(p) >= 3 {
		name = lastSegment(strings.TrimRight(rc.r.URL.Path, "/"))
	}
	switch {
	case len(p) <= 3 && p[0] == "microsoft.authorization" && p[1] == "roleassignments":
		s.serveRoleAssignments(rc, scope, name)
	case len(p) <= 3 && p[0] == "microsoft.authorization" && p[1] == "roledefinitions":
		s.serveRoleDefinitions(rc, scope, name)
	case len(p) == 3 && p[0] == "microsoft.resources" && p[1] == "tags" && p[2] == "default" && scope != "":
		s.serveTags(rc, scope)
	default:
		rc.fail(http.StatusNotFound, "NotFound", "The requested path '"+rc.r.URL.Path+"' was not found.")
	}
}

func (s *server) tenantOf(sub Subscription) string { return cmpOr(sub.TenantID, s.cfg.TenantID) }

// tenants lists the home tenant and every tenant where the caller is a
// guest, whichever tenant its token is from (az login asks /tenants once,
// then /subscriptions with each tenant's token).
func (s *server) tenants(c caller) []any {
	home := c.oid
	if !strings.EqualFold(c.tid, s.cfg.TenantID) {
		home = ""
		for _, p := range s.cfg.Principals {
			if g, ok := p.GuestIDs[strings.ToLower(c.tid)]; ok && strings.EqualFold(g, c.oid) {
				home = p.ObjectID
			}
		}
	}
	out := []any{tenantJSON(Tenant{ID: s.cfg.TenantID, DisplayName: s.cfg.TenantDisplayName, DefaultDomain: s.cfg.DefaultDomain})}
	p := s.principal(home)
	for _, t := range s.cfg.Tenants {
		_, guest := p.guestIn(t.ID)
		if guest || strings.EqualFold(t.ID, c.tid) {
			out = append(out, tenantJSON(t))
		}
	}
	return out
}

func (p *Principal) guestIn(tenant string) (string, bool) {
	if p == nil {
		return "", false
	}
	for t, oid := range p.GuestIDs {
		if strings.EqualFold(t, tenant) {
			return oid, true
		}
	}
	return "", false
}

func tenantJSON(t Tenant) map[string]any {
	domains := []string{}
	if t.DefaultDomain != "" {
		domains = append(domains, t.DefaultDomain)
	}
	return map[string]any{
		"id":             "/tenants/" + t.ID,
		"tenantId":       t.ID,
		"countryCode":    "US",
		"displayName":    t.DisplayName,
		"domains":        domains,
		"tenantCategory": "Home",
		"defaultDomain":  t.DefaultDomain,
		"tenantType":     "AAD",
	}
}

// subscriptions lists the subscriptions of the token's tenant where the
// caller holds a role (an app with no role sees none: "No subscriptions
// found", Azure/azure-cli#14773).
func (s *server) subscriptions(c caller) []any {
	out := []any{}
	for _, sub := range s.cfg.Subscriptions {
		if strings.EqualFold(s.tenantOf(sub), c.tid) && s.hasAnyRole(c, "/subscriptions/"+sub.ID) {
			out = append(out, s.subscriptionJSON(sub))
		}
	}
	return out
}

func (s *server) subscription(id string) (Subscription, bool) {
	for _, sub := range s.cfg.Subscriptions {
		if strings.EqualFold(sub.ID, id) {
			return sub, true
		}
	}
	return Subscription{}, false
}

func (s *server) subscriptionJSON(sub Subscription) map[string]any {
	state := sub.State
	if state == "" {
		state = "Enabled"
	}
	return map[string]any{
		"id":                  "/subscriptions/" + sub.ID,
		"authorizationSource": "RoleBased",
		"managedByTenants":    []any{},
		"subscriptionId":      sub.ID,
		"tenantId":            s.tenantOf(sub),
		"displayName":         sub.DisplayName,
		"state":               state,
		"subscriptionPolicies": map[string]any{
			"locationPlacementId": "Public_2014-09-01",
			"quotaId":             "PayAsYouGo_2014-09-01",
			"spendingLimit":       "Off",
		},
	}
}

// originalSegment is the i-th (1-based) segment of path as sent: resource
// names keep their case although ARM matches them case-insensitively.
func originalSegment(path string, i int) string {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if i-1 < len(segs) {
		return segs[i-1]
	}
	return ""
}
