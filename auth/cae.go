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
	if claims == "" || !errors.As(err, &ee) || (ee.Err != "invalid_grant" && ee.Err != "interaction_required") {
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
