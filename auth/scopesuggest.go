package auth

import (
	"fmt"
	"strings"

	"github.com/azrepl/azrepl/internal/graphperm"
	"github.com/azrepl/azrepl/internal/suggest"
)

// oidcScopes are the OpenID Connect scopes Entra takes beside a resource's.
var oidcScopes = map[string]bool{"openid": true, "profile": true, "email": true, "offline_access": true, ".default": true}

// serviceScopes are the scopes a bare service name stands for: "grpah" or
// "arm" is a service meant, not a Graph permission.
var serviceScopes = map[string]string{
	"graph": "https://graph.microsoft.com/.default", "arm": DefaultScope, "management": DefaultScope, "azure": DefaultScope,
	"databricks": DatabricksEntraScope, "keyvault": "https://vault.azure.net/.default", "vault": "https://vault.azure.net/.default",
	"storage": "https://storage.azure.com/.default",
}

// scopeSuggestion is a did-you-mean for a service named by a bare word
// ("grpah" → Graph's .default scope) or a Graph permission in scope that
// Microsoft Graph does not have ("User.Reed" → "User.Read"), from
// Microsoft's permissions data; "" when every name is real or none is close.
func scopeSuggestion(scope string) string {
	for _, s := range strings.Fields(scope) {
		if !strings.ContainsAny(s, "./") && !oidcScopes[strings.ToLower(s)] {
			names := make([]string, 0, len(serviceScopes))
			for n := range serviceScopes {
				names = append(names, n)
			}
			if near := suggest.Nearest(s, names); near != "" {
				return fmt.Sprintf("%q is not a scope; did you mean token(%q)? (a resource's scope is its URI or app id with /.default)", s, serviceScopes[near])
			}
		}
		key, perm := splitResourceScope(s)
		if key != "graph" || oidcScopes[strings.ToLower(perm)] {
			continue
		}
		if _, ok := graphperm.Get(perm); ok {
			continue
		}
		if near, ok := graphperm.Suggest(perm); ok {
			fixed := strings.Replace(scope, perm, near, 1)
			return fmt.Sprintf("%q is not a Microsoft Graph permission; did you mean %s? token(%q)", perm, near, fixed)
		}
		return fmt.Sprintf("%q is not a Microsoft Graph permission (graph.permission(name) shows a real one's details)", perm)
	}
	return ""
}
