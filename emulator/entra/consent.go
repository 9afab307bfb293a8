package entra

import (
	"strings"

	"github.com/azrepl/azrepl/emulator/world"
)

// Consent: which delegated permissions a client may get for a user.

// allowedScopes decides a delegated grant's permissions (scp): the client's
// pre-authorized set (first party) or the user's/admin's consent (apps of the
// world). Unknown permission → 70011; first party outside its set → 65002;
// no consent → 65001 consent_required.
func (e *Server) allowedScopes(c *client, u *world.User, s scopeRequest) ([]string, *entraError) {
	if s.implicit {
		return s.permissions, nil
	}
	res := s.info
	if !s.hasDefault() {
		for _, p := range s.permissions {
			if !res.exposes(p) {
				return nil, newEntraError(400, "invalid_scope", 70011,
					"The provided value for the input parameter 'scope' isn't valid. The scope '%s' does not exist.", s.resource+"/"+p)
			}
		}
	}
	var allowed []string
	if fp := findFirstParty(c.id); fp != nil {
		if res.app != nil {
			if !containsFold(res.app.PreAuthorizedApplications, c.id) {
				return nil, errConsentRequired(u, c, res)
			}
			allowed = res.delegated
		} else {
			allowed = fp.Preauth[res.name]
		}
		if s.hasDefault() {
			if len(allowed) == 0 {
				return nil, errNotPreauthorized(c, res)
			}
			return allowed, nil
		}
		for _, p := range s.permissions {
			if !containsFold(allowed, p) {
				return nil, errNotPreauthorized(c, res)
			}
		}
		return s.permissions, nil
	}
	// An app of the world: the API itself grants its own scopes to pre-authorized clients.
	if res.app != nil && containsFold(res.app.PreAuthorizedApplications, c.id) {
		allowed = res.delegated
	}
	for _, cs := range e.world.Consents {
		if strings.EqualFold(cs.ClientID, c.id) && strings.EqualFold(cs.Resource, res.key()) &&
			(cs.User == "" || e.world.User(cs.User) == u) {
			allowed = append(allowed, cs.Scopes...)
		}
	}
	if s.hasDefault() {
		if len(allowed) == 0 {
			return nil, errConsentRequired(u, c, res)
		}
		return allowed, nil
	}
	for _, p := range s.permissions {
		if !containsFold(allowed, p) {
			return nil, errConsentRequired(u, c, res)
		}
	}
	return s.permissions, nil
}

func errNotPreauthorized(c *client, res *resourceInfo) *entraError {
	return newEntraError(400, "invalid_resource", 65002,
		"Consent between first party application '%s' and first party resource '%s' must be configured via preauthorization - applications owned and operated by Microsoft must get approval from the API owner before requesting tokens for that API.",
		c.id, res.appID())
}

func errConsentRequired(u *world.User, c *client, res *resourceInfo) *entraError {
	err := newEntraError(400, "invalid_grant", 65001,
		"The user or administrator has not consented to use the application with ID '%s' named '%s'. Send an interactive authorization request for this user and resource.",
		c.id, c.name)
	err.suberror = "consent_required"
	err.noErrorURI = true
	return err
}

// preauthorizedAtAuthorize is the pre-authorization check /authorize makes
// before any sign-in: a first-party client asking a Microsoft resource for a
// permission outside its pre-authorized set is AADSTS65002 (the checks that
// need the user, consent and exposure, stay at /token).
func preauthorizedAtAuthorize(c *client, s scopeRequest) *entraError {
	fp := findFirstParty(c.id)
	if fp == nil || s.implicit || s.info == nil || s.info.app != nil {
		return nil
	}
	allowed := fp.Preauth[s.info.name]
	if s.hasDefault() {
		if len(allowed) == 0 {
			return errNotPreauthorized(c, s.info)
		}
		return nil
	}
	for _, p := range s.permissions {
		if s.info.exposes(p) && !containsFold(allowed, p) {
			return errNotPreauthorized(c, s.info)
		}
	}
	return nil
}
