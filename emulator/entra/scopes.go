package entra

import (
	"strings"
)

// lookupResource finds a Microsoft resource or an API app of the world.
func (e *Server) lookupResource(id string) *resourceInfo {
	if r := lookupResource(id); r != nil {
		return r
	}
	return findResource(e.apis, id)
}

// parseScopes checks the one-resource rule. multiCode is the AADSTS code for
// several resources: 28000 at /token for delegated grants, 70011 for client
// credentials, 700022 at /authorize.
func (e *Server) parseScopes(scope string, multiCode int) (scopeRequest, *entraError) {
	tenantName := e.world.DisplayName
	req := scopeRequest{reserved: map[string]bool{}}
	req.raw = strings.Fields(scope)
	for _, s := range req.raw {
		if reservedScopes[strings.ToLower(s)] {
			req.reserved[strings.ToLower(s)] = true
			continue
		}
		res, perm := splitScope(s)
		if perm == "" || res == "" {
			return req, newEntraError(400, "invalid_scope", 70011,
				"The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' isn't valid: '%s'.", s)
		}
		info := e.lookupResource(res)
		if info == nil {
			return req, newEntraError(400, "invalid_resource", 500011,
				"The resource principal named %s was not found in the tenant named %s. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.",
				res, tenantName)
		}
		if req.info != nil && req.info != info {
			if multiCode == 28000 {
				return req, newEntraError(400, "invalid_scope", 28000,
					"Provided value for the input parameter scope is not valid because it contains more than one resource. Scope %s is not valid.", scope)
			}
			if multiCode == 700022 {
				return req, newEntraError(400, "invalid_scope", 700022,
					"The provided value for the input parameter scope is not valid because it contains more than one resource. The scope %s is not valid.", scope)
			}
			return req, newEntraError(400, "invalid_scope", 70011,
				"The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' isn't valid. The scope %s is not valid.", scope)
		}
		if req.info == nil {
			req.info, req.resource = info, res
		}
		req.permissions = append(req.permissions, perm)
	}
	if req.hasDefault() && len(req.permissions) > 1 {
		return req, newEntraError(400, "invalid_scope", 70011,
			"The provided value for the input parameter 'scope' isn't valid. The scope '%s' does not exist or '.default' was combined with other scopes of the same resource.", scope)
	}
	return req, nil
}

// userScopes parses a delegated grant's scope (falling back to the scope
// remembered with the code) under the one-resource rule.
func (e *Server) userScopes(requested, remembered string) (scopeRequest, *entraError) {
	scope := requested
	if strings.TrimSpace(scope) == "" {
		scope = remembered
	}
	s, err := e.parseScopes(scope, 28000)
	if err != nil {
		return s, err
	}
	return s.withDefaultResource(), nil
}
