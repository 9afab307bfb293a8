package entra

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/azrepl/azrepl/emulator/world"
)

// Policies of the world: MFA required per user and resource, and
// Conditional Access blocking the device code flow.

// mfaPolicyID is the capolids value of MFA challenges (the policy's id).
var mfaPolicyID = world.SeedGUID("policy/mfa")

// needsMFA reports whether the user must have done MFA for the resource.
func needsMFA(u *world.User, res *resourceInfo) bool {
	if u == nil || res == nil {
		return false
	}
	for _, r := range u.MFARequired {
		if r == "*" || strings.EqualFold(r, res.key()) {
			return true
		}
	}
	return false
}

// errMFA is Entra's answer to a token request without MFA for a resource
// that needs it: 50076 (50079 when the user has no method registered).
func errMFA(u *world.User, res *resourceInfo) *entraError {
	code, verb := 50076, "use"
	if u.OTPCode == "" {
		code, verb = 50079, "enroll in"
	}
	err := newEntraError(400, "invalid_grant", code,
		"Due to a configuration change made by your administrator, or because you moved to a new location, you must %s multi-factor authentication to access '%s'.",
		verb, res.appID())
	err.suberror = "basic_action"
	err.claims = fmt.Sprintf(`{"access_token":{"capolids":{"essential":true,"values":["%s"]}}}`, mfaPolicyID)
	return err
}

// deviceCodeBlocked is the Conditional Access check of the device code flow.
func (e *Server) deviceCodeBlocked(u *world.User) *entraError {
	for _, p := range e.world.ConditionalAccess {
		if !p.BlockDeviceCode {
			continue
		}
		for _, name := range p.Users {
			if e.world.User(name) == u {
				// interaction_required with suberror message_only (MartinIngesen/MSOLSpray#5).
				err := newEntraError(400, "interaction_required", 53003,
					"Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.")
				err.suberror = "message_only"
				return err
			}
		}
	}
	return nil
}

// signInNeedsMFA: the sign-in page asks for the code when the user must
// do MFA for the requested resource, or when the client passed claims back.
func (e *Server) signInNeedsMFA(u *world.User, p url.Values) bool {
	if len(u.MFARequired) == 0 {
		return false
	}
	if p.Get("claims") != "" {
		return true
	}
	s, err := e.parseScopes(p.Get("scope"), 700022)
	if err != nil {
		return false
	}
	s = s.withDefaultResource()
	return needsMFA(u, s.info)
}
