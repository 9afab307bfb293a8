package arm

import (
	"cmp"
	"net/http"
	"strings"
)

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
	case rest[0] == "resources" && len(rest) == 1:
		s.serveResources(rc, subScope)
	case rest[0] == "resourcegroups" && len(rest) == 3 && rest[2] == "resources":
		s.serveResources(rc, subScope+"/resourceGroups/"+originalSegment(rc.r.URL.Path, 4))
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

// serveResources lists a subscription's or a group's resources: the
// emulator has none but the groups themselves, so the list is empty.
func (s *server) serveResources(rc *requestContext, scope string) {
	if !rc.methodIs(http.MethodGet) || !rc.authorize("Microsoft.Resources/subscriptions/resources/read", scope) {
		return
	}
	if i := indexFold(scope, "/resourcegroups/"); i >= 0 {
		g := &s.groups
		g.mu.Lock()
		rg := g.rgs[rgKey(strings.TrimPrefix(scope[:i], "/subscriptions/"), scope[i+len("/resourcegroups/"):])]
		g.mu.Unlock()
		if rg == nil {
			rc.fail(http.StatusNotFound, "ResourceGroupNotFound", "Resource group '"+lastSegment(scope)+"' could not be found.")
			return
		}
	}
	rc.writePage([]any{}, false)
}

func (s *server) tenantOf(sub Subscription) string { return cmp.Or(sub.TenantID, s.cfg.TenantID) }

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
