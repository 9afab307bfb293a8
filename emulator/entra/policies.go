package entra

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/wire"
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
				return newEntraError(400, "invalid_grant", 53003,
					"Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.")
			}
		}
	}
	return nil
}

// mfaPending is a sign-in that passed the password and waits for the code.
type mfaPending struct {
	user    *world.User
	expires time.Time
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

// startMFA shows the one-time code page for a user who passed the password.
func (e *Server) startMFA(w http.ResponseWriter, r *http.Request, t tenantRef, c *client, u *world.User, msg string) {
	flow := "mfa." + wire.RandomToken(24)
	e.mu.Lock()
	e.mfaFlows[flow] = &mfaPending{user: u, expires: e.now().Add(5 * time.Minute)}
	e.mu.Unlock()
	hidden := map[string]string{"flowToken": flow}
	for _, k := range authorizeParams {
		if v := r.Form.Get(k); v != "" {
			hidden[k] = v
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = mfaTemplate().Execute(w, map[string]any{"Action": "/" + t.segment + "/oauth2/v2.0/authorize", "Hidden": hidden,
		"App": c.name, "User": u.Username, "Error": msg})
}

// finishMFA checks the code; the user on success, else nil after showing the page again.
func (e *Server) finishMFA(w http.ResponseWriter, r *http.Request, t tenantRef, c *client) *world.User {
	flow := r.PostForm.Get("flowToken")
	e.mu.Lock()
	p := e.mfaFlows[flow]
	delete(e.mfaFlows, flow)
	e.mu.Unlock()
	if p == nil || !e.now().Before(p.expires) {
		e.errorPage(w, r, newEntraError(400, "invalid_request", 50058, "The sign-in session expired; start the sign-in again."))
		return nil
	}
	if code := strings.TrimSpace(r.PostForm.Get("otc")); code == "" || code != p.user.OTPCode {
		e.startMFA(w, r, t, c, p.user, "You didn't enter the expected verification code. Please try again.")
		return nil
	}
	return p.user
}
