package auth

import (
	"errors"
	"fmt"
)

// explainClaimsRefusal: a resource sent a claims challenge (continuous
// access evaluation: the session was revoked, or a policy changed) and the
// refresh token could not satisfy it. Only a new interactive sign-in can;
// the error names the login to run.
func explainClaimsRefusal(err error, a Account, claims string) error {
	var ee *EntraError
	if claims == "" || !errors.As(err, &ee) || (ee.Err != "invalid_grant" && ee.Err != "interaction_required") ||
		ee.HasCode(50076) || ee.HasCode(50079) {
		return err
	}
	flow := a.Flow
	if flow == "" || a.isApp() {
		flow = FlowDevice
	}
	ee.InteractionRequired = true
	ee.Advice = fmt.Sprintf("the resource asked for a fresh sign-in (its claims challenge: session revoked or policy changed) and the refresh token cannot satisfy it: run login({flow: %q}) again", flow)
	return ee
}

// explainMFA: the tenant requires multi-factor authentication for this
// resource and the refresh token's sign-in did not do it. A new interactive
// login for that scope asks for the second factor; the error names it.
func explainMFA(err error, a Account, scope string) error {
	var ee *EntraError
	if !errors.As(err, &ee) || (!ee.HasCode(50076) && !ee.HasCode(50079)) {
		return err
	}
	flow := a.Flow
	if flow != FlowDevice && flow != FlowBrowser {
		flow = FlowBrowser
	}
	what := "multi-factor authentication is required for this resource"
	if ee.HasCode(50079) {
		what = "you must register a multi-factor method first (sign in once in a browser)"
	}
	ee.Advice = fmt.Sprintf("%s: run login({flow: %q, scope: %q}) and complete the second factor", what, flow, scope)
	return ee
}
