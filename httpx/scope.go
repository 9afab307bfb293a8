package httpx

import (
	"fmt"
	"net/url"
	"strings"
	"sync"

	"golang.org/x/net/publicsuffix"
)

// DatabricksResource is the Entra application id of Azure Databricks; an Entra
// token for it is accepted by every workspace and by the accounts console.
const DatabricksResource = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d"

// The ARM scopes use the token resource the Azure CLI logs in with
// (https://management.core.windows.net/), not https://management.azure.com/:
// ARM accepts both audiences, and using az's exact scope string means a token
// from login() (whose default scope is az's) or from the Azure CLI cache is
// reused instead of costing a refresh-token exchange for a second "ARM" scope.
var defaultScopeRules = []scopeRule{
	{"graph.microsoft.com", "https://graph.microsoft.com/.default"},
	{"graph.microsoft.us", "https://graph.microsoft.us/.default"},
	{"dod-graph.microsoft.us", "https://dod-graph.microsoft.us/.default"},
	{"microsoftgraph.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn/.default"},

	{"management.azure.com", "https://management.core.windows.net//.default"},
	{"management.core.windows.net", "https://management.core.windows.net//.default"},
	{"management.usgovcloudapi.net", "https://management.core.usgovcloudapi.net//.default"},
	{"management.core.usgovcloudapi.net", "https://management.core.usgovcloudapi.net//.default"},
	{"management.chinacloudapi.cn", "https://management.core.chinacloudapi.cn//.default"},
	{"management.core.chinacloudapi.cn", "https://management.core.chinacloudapi.cn//.default"},

	{"*.azuredatabricks.net", DatabricksResource + "/.default"},
	{"*.databricks.azure.us", DatabricksResource + "/.default"},
	{"*.databricks.azure.cn", DatabricksResource + "/.default"},

	{"*.vault.azure.net", "https://vault.azure.net/.default"},
	{"*.vault.usgovcloudapi.net", "https://vault.usgovcloudapi.net/.default"},
	{"*.vault.azure.cn", "https://vault.azure.cn/.default"},
}

// Azure Storage uses one audience in every cloud.
func init() {
	for _, svc := range []string{"blob", "queue", "table", "dfs", "file"} {
		for _, zone := range []string{"core.windows.net", "core.usgovcloudapi.net", "core.chinacloudapi.cn"} {
			defaultScopeRules = append(defaultScopeRules,
				scopeRule{"*." + svc + "." + zone, "https://storage.azure.com/.default"})
		}
	}
}

type scopeRule struct{ pattern, scope string }

// match reports whether host (lower case, no port) matches the rule's pattern:
// an exact host name, or "*.suffix" for any name below suffix.
func (r scopeRule) match(host string) bool {
	if suffix, ok := strings.CutPrefix(r.pattern, "*"); ok {
		return strings.HasSuffix(host, suffix) && len(host) > len(suffix)
	}
	return host == r.pattern
}

// scopeMap holds user rules in front of the defaults.
type scopeMap struct {
	mu   sync.RWMutex
	user []scopeRule // newest first
}

func (m *scopeMap) set(pattern, scope string) error {
	pattern = strings.ToLower(strings.TrimSpace(pattern))
	if pattern == "" || strings.ContainsAny(pattern, "/: ") || strings.Count(pattern, "*") > 1 ||
		(strings.Contains(pattern, "*") && !strings.HasPrefix(pattern, "*.")) {
		return fmt.Errorf("host pattern %q: want a host name like api.example.com or *.example.com", pattern)
	}
	if suffix, ok := strings.CutPrefix(pattern, "*."); ok {
		// One wildcard label under a registrable domain: *.contoso.com, not
		// *.com or *.co.uk (a token for every host of a public suffix).
		if reg, err := publicsuffix.EffectiveTLDPlusOne(suffix); err != nil || reg != suffix && !strings.HasSuffix(suffix, "."+reg) {
			return fmt.Errorf("host pattern %q: a wildcard must sit under a registrable domain (*.contoso.com), not a public suffix", pattern)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	kept := m.user[:0:0]
	for _, r := range m.user {
		if r.pattern != pattern {
			kept = append(kept, r)
		}
	}
	if scope != "" {
		kept = append([]scopeRule{{pattern, scope}}, kept...)
	}
	m.user = kept
	return nil
}

func (m *scopeMap) lookup(rawURL string) (string, bool) {
	host := hostOf(rawURL)
	if host == "" {
		return "", false
	}
	if m != nil {
		m.mu.RLock()
		defer m.mu.RUnlock()
		for _, r := range m.user {
			if r.match(host) {
				return r.scope, true
			}
		}
	}
	for _, r := range defaultScopeRules {
		if r.match(host) {
			return r.scope, true
		}
	}
	return "", false
}

// hostOf returns the lower-case host name of an absolute URL, without port.
func hostOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
}

// ScopeFor returns the default scope for a URL from the built-in table
// (Graph, ARM, Azure Databricks, Key Vault, Storage, in the public, US Gov and
// China clouds). Client.ScopeFor also consults the rules added with SetScope.
func ScopeFor(rawURL string) (scope string, ok bool) {
	var none *scopeMap
	return none.lookup(rawURL)
}

// ScopeFor returns the scope whose token this client sends to rawURL.
func (c *Client) ScopeFor(rawURL string) (scope string, ok bool) {
	return c.scopes.lookup(rawURL)
}

// SetScope maps a host ("api.contoso.com") or every host below a domain
// ("*.contoso.com") to a scope; user rules win over the built-in table and the
// newest rule wins. An empty scope removes the rule for that pattern.
func (c *Client) SetScope(hostPattern, scope string) error {
	return c.scopes.set(hostPattern, scope)
}

// isGraphScope tells Graph URLs apart (also for user-mapped hosts such as an
// emulator's), so ConsistencyLevel and the error envelope are handled as Graph's.
func isGraphScope(scope string) bool {
	for _, r := range defaultScopeRules[:4] {
		if r.scope == scope {
			return true
		}
	}
	return false
}
