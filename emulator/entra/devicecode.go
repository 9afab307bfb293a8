package entra

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/wire"
	"github.com/azrepl/azrepl/emulator/world"
)

const (
	deviceCodeLifetime = 15 * time.Minute
	deviceInterval     = 5 * time.Second
	userCodeAlphabet   = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
)

func (e *Server) deviceCode(w http.ResponseWriter, r *http.Request, t tenantRef) {
	if !parsePostForm(w, r) {
		return
	}
	d, err := e.startDevice(r, t, r.PostForm.Get("scope"))
	w.Header().Set("Cache-Control", "no-store, no-cache")
	if err != nil {
		writeEntraError(w, r, err)
		return
	}
	wire.JSON(w, 200, deviceAnswer(d, false))
}

// deviceCodeV1 is the v1 endpoint /{tenant}/oauth2/devicecode (ADAL): the
// resource instead of scopes, and an answer with verification_url and
// numbers as strings, as the pam_aad log quoted in the reference shows.
// Its code is redeemed at the v1 token endpoint.
func (e *Server) deviceCodeV1(w http.ResponseWriter, r *http.Request, t tenantRef) {
	if !parsePostForm(w, r) {
		return
	}
	w.Header().Set("Cache-Control", "no-store, no-cache")
	resource := r.PostForm.Get("resource")
	if resource == "" {
		writeEntraError(w, r, errMissingParam("resource"))
		return
	}
	d, err := e.startDevice(r, t, resource+"/.default offline_access")
	if err != nil {
		writeEntraError(w, r, err)
		return
	}
	wire.JSON(w, 200, deviceAnswer(d, true))
}

// deviceAnswer is the devicecode endpoint's 200 body; v1 names the page
// verification_url and gives its numbers as strings.
func deviceAnswer(d *deviceAuth, v1 bool) map[string]any {
	const page = "https://microsoft.com/devicelogin"
	expires, interval := any(int(deviceCodeLifetime/time.Second)), any(int(deviceInterval/time.Second))
	pageField := "verification_uri"
	if v1 {
		expires, interval, pageField = strconv.Itoa(expires.(int)), strconv.Itoa(interval.(int)), "verification_url"
	}
	return map[string]any{
		"user_code":   d.userCode,
		"device_code": d.deviceCode,
		pageField:     page,
		"expires_in":  expires,
		"interval":    interval,
		"message":     fmt.Sprintf("To sign in, use a web browser to open the page %s and enter the code %s to authenticate.", page, d.userCode),
	}
}

// startDevice checks a device authorization request for scope and keeps
// the pending authorization.
func (e *Server) startDevice(r *http.Request, t tenantRef, scope string) (*deviceAuth, *entraError) {
	c, cerr := e.client(r.PostForm.Get("client_id"))
	if cerr != nil {
		return nil, cerr
	}
	if !c.public {
		return nil, newEntraError(401, "invalid_client", 7000218,
			"The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
	}
	if scope == "" {
		return nil, errMissingParam("scope")
	}
	if _, serr := e.parseScopes(scope, 28000); serr != nil {
		return nil, serr
	}
	now := e.now()
	d := &deviceAuth{
		deviceCode: "DAQABIQEAAA" + wire.RandomToken(120),
		userCode:   wire.RandomString(9, userCodeAlphabet),
		client:     c, tenant: t, scope: scope,
		created: now, expires: now.Add(deviceCodeLifetime),
	}
	e.mu.Lock()
	e.devices[d.deviceCode] = d
	e.mu.Unlock()
	return d, nil
}

// findDevice looks a pending device authorization up by the code a person types.
func (e *Server) findDevice(userCode string) *deviceAuth {
	userCode = strings.ToUpper(strings.TrimSpace(strings.ReplaceAll(userCode, "-", "")))
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, d := range e.devices {
		if d.userCode == userCode && d.state == devicePending && e.now().Before(d.expires) {
			return d
		}
	}
	return nil
}

// decideDevice records the person's answer on the device login page.
func (e *Server) decideDevice(userCode string, u *world.User, approve bool) error {
	d := e.findDevice(userCode)
	if d == nil {
		return fmt.Errorf("no pending device code %q (it may have expired or been used)", userCode)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if approve {
		d.state, d.user = deviceApproved, u
	} else {
		d.state = deviceDeclined
	}
	return nil
}

// pollDevice is the device_code grant.
func (e *Server) pollDevice(code string, c *client) (*deviceAuth, *entraError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	d := e.devices[code]
	if d == nil {
		return nil, newEntraError(400, "bad_verification_code", 70000, "The provided value for the input parameter 'device_code' is not valid.")
	}
	if !strings.EqualFold(d.client.id, c.id) {
		return nil, newEntraError(400, "invalid_grant", 70000, "The device code was issued to another client.")
	}
	now := e.now()
	if d.state == devicePending && e.approveAfter > 0 && now.Sub(d.created) >= e.approveAfter {
		if u := e.world.User(e.approveAs); u != nil {
			d.state, d.user = deviceApproved, u
		}
	}
	switch {
	case d.state == deviceRedeemed:
		return nil, newEntraError(400, "invalid_grant", 90120, "The request was already authorized or declined. The device code has been used.")
	case !now.Before(d.expires):
		return nil, newEntraError(400, "expired_token", 70020,
			"The provided value for the input parameter 'device_code' is not valid. This device code has expired.")
	case d.state == deviceDeclined:
		return nil, newEntraError(400, "authorization_declined", 70000, "The user declined the authorization request.")
	case d.state == deviceApproved:
		d.state = deviceRedeemed
		return d, nil
	}
	// No slow_down: no recording shows Entra sending it (wire-fidelity
	// row 4); over-eager clients meet request-loop protection (50196).
	return nil, newEntraError(400, "authorization_pending", 70016,
		"OAuth 2.0 device flow error. Authorization is pending. Continue polling.")
}

// ApproveDevice approves a pending device code as a person would on the
// device login page.
func (e *Server) ApproveDevice(userCode, username string) error {
	u := e.world.User(username)
	if u == nil {
		return fmt.Errorf("approve device: no user %q", username)
	}
	return e.decideDevice(userCode, u, true)
}
