package auth

import (
	"net/url"
	"strings"
)

// ScopeForResource turns a v1 resource into the v2 scope that asks for all
// of its permissions, as the Azure CLI's resource_to_scopes does: the
// resource followed by "/.default", verbatim (so the ARM resource
// "https://management.core.windows.net/" becomes
// "https://management.core.windows.net//.default", the scope az uses).
func ScopeForResource(resource string) string {
	return strings.TrimSpace(resource) + "/.default"
}

// ScopeOrResource reads what a person or a tool passes where "a scope or a
// resource" is accepted: a resource (a URL with no path, or only "/"; an
// app id GUID; "api://…" with no path) becomes its ".default" scope with
// ScopeForResource; a scope ("https://graph.microsoft.com/User.Read",
// "…/.default") and space-separated scope lists are kept as they are.
func ScopeOrResource(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsAny(s, " \t") {
		return s
	}
	if isGUID(s) {
		return ScopeForResource(s)
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return s
	}
	if u.Path == "" || u.Path == "/" {
		return ScopeForResource(s)
	}
	return s
}

func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}
