package auth

import (
	"fmt"
	"strings"

	"github.com/azrepl/azrepl/internal/graphperm"
)

// oidcScopes are the OpenID Connect scopes Entra takes beside a resource's.
var oidcScopes = map[string]bool{"openid": true, "profile": true, "email": true, "offline_access": true, ".default": true}

// scopeSuggestion is a did-you-mean for a Graph permission in scope that
// Microsoft Graph does not have ("User.Reed" → "User.Read"), from
// Microsoft's permissions data; "" when every name is real or none is close.
func scopeSuggestion(scope string) string {
	for _, s := range strings.Fields(scope) {
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
