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

// Subscription is one subscription of the tenant; State defaults to "Enabled".
type Subscription struct{ ID, DisplayName, State string }

// Config is what the emulator core gives the ARM server.
type Config struct {
	TenantID, TenantDisplayName, DefaultDomain string
	PublicKey                                  *rsa.PublicKey
	Subscriptions                              []Subscription
	Now                                        func() time.Time // defaults to time.Now
	// Revoked, when set, is asked about every valid token (continuous access
	// evaluation): a revoked session gets ARM's claims challenge.
	Revoked bearer.RevocationFunc
}

type server struct {
	cfg    Config
	groups groups
}

// New returns the ARM handler.
func New(cfg Config) http.Handler {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &server{cfg: cfg, groups: groups{rgs: map[string]*resourceGroup{}, ops: map[string]*operation{}}}
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc := newRequestContext(s, w, r)
	if !s.authenticate(rc) {
		return
	}
	// ARM paths are case-insensitive.
	segs := strings.Split(strings.Trim(strings.ToLower(r.URL.Path), "/"), "/")
	if !rc.checkAPIVersion(resourceType(segs)) {
		return
	}
	if len(segs) >= 3 && segs[0] == "subscriptions" && (segs[2] == "resourcegroups" || segs[2] == "operationresults") {
		s.serveSubscription(rc, segs[1], segs[2:])
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		rc.fail(http.StatusMethodNotAllowed, "MethodNotAllowed", "The requested resource does not support http method '"+r.Method+"'.")
		return
	}
	switch {
	case len(segs) == 1 && segs[0] == "tenants":
		rc.writePage(s.tenants(), false)
	case len(segs) == 1 && segs[0] == "subscriptions":
		rc.writePage(s.subscriptions(), true)
	case len(segs) >= 2 && segs[0] == "subscriptions":
		s.serveSubscription(rc, segs[1], segs[2:])
	default:
		rc.fail(http.StatusNotFound, "NotFound", "The requested path '"+r.URL.Path+"' was not found.")
	}
}

func (s *server) serveSubscription(rc *requestContext, id string, rest []string) {
	sub, ok := s.subscription(id)
	if !ok {
		rc.fail(http.StatusNotFound, "SubscriptionNotFound", "The subscription '"+id+"' could not be found.")
		return
	}
	switch {
	case len(rest) == 0:
		rc.writeJSON(http.StatusOK, sub)
	case len(rest) == 1 && rest[0] == "resourcegroups":
		s.serveResourceGroups(rc, sub["subscriptionId"].(string), "")
	case len(rest) == 2 && rest[0] == "resourcegroups":
		s.serveResourceGroups(rc, sub["subscriptionId"].(string), originalSegment(rc.r.URL.Path, 4))
	case len(rest) == 2 && rest[0] == "operationresults":
		s.serveOperation(rc, sub["subscriptionId"].(string), originalSegment(rc.r.URL.Path, 4))
	default:
		rc.fail(http.StatusNotFound, "NotFound", "The requested path '"+rc.r.URL.Path+"' was not found.")
	}
}

func (s *server) tenants() []any {
	domains := []string{}
	if s.cfg.DefaultDomain != "" {
		domains = append(domains, s.cfg.DefaultDomain)
	}
	return []any{map[string]any{
		"id":             "/tenants/" + s.cfg.TenantID,
		"tenantId":       s.cfg.TenantID,
		"countryCode":    "US",
		"displayName":    s.cfg.TenantDisplayName,
		"domains":        domains,
		"tenantCategory": "Home",
		"defaultDomain":  s.cfg.DefaultDomain,
		"tenantType":     "AAD",
	}}
}

func (s *server) subscriptions() []any {
	out := make([]any, len(s.cfg.Subscriptions))
	for i, sub := range s.cfg.Subscriptions {
		out[i] = s.subscriptionJSON(sub)
	}
	return out
}

func (s *server) subscription(id string) (map[string]any, bool) {
	for _, sub := range s.cfg.Subscriptions {
		if strings.EqualFold(sub.ID, id) {
			return s.subscriptionJSON(sub), true
		}
	}
	return nil, false
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
		"tenantId":            s.cfg.TenantID,
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
