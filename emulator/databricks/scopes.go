package databricks

import "strings"

// allowedScopeList is what the workspace grants: all-apis, the OIDC scopes and
// the fine-grained API scopes a client may ask for instead of all-apis.
var allowedScopeList = []string{"all-apis", "offline_access", "openid", "profile", "email", "sql",
	"clusters", "jobs", "iam", "iam:read", "access-management", "files", "files:read", "pipelines", "mlflow", "model-serving", "dashboards"}

var allowedScopes = func() map[string]bool {
	m := map[string]bool{}
	for _, s := range allowedScopeList {
		m[s] = true
	}
	return m
}()

// parseScopes splits a scope parameter and reports the first unknown scope.
func parseScopes(raw string) (scopes []string, unknown string) {
	for _, s := range strings.Fields(raw) {
		if !allowedScopes[s] {
			return nil, s
		}
		scopes = append(scopes, s)
	}
	if len(scopes) == 0 {
		scopes = []string{"all-apis"}
	}
	return scopes, ""
}

func hasScope(scopes []string, want string) bool {
	for _, s := range scopes {
		if s == want {
			return true
		}
	}
	return false
}
