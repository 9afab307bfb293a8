package entra

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/azrepl/azrepl/emulator/internal/wire"
)

// userRealm is GET /common/UserRealm/{upn}?api-version=1.0 (MSAL's form) or
// /common/userrealm/?user={upn}&api-version=... : is the user's domain
// managed (password grant works), federated, or unknown.
func (e *Server) userRealm(w http.ResponseWriter, r *http.Request, upn string) {
	if upn == "" {
		upn = r.URL.Query().Get("user")
	}
	if u, err := url.PathUnescape(upn); err == nil {
		upn = u
	}
	_, domain, ok := strings.Cut(upn, "@")
	if !ok || domain == "" {
		writeEntraError(w, r, newEntraError(400, "invalid_request", 90014, "The required field 'user' is missing or is not a user principal name."))
		return
	}
	kind := "Unknown"
	if strings.EqualFold(domain, e.world.Domain) {
		kind = "Managed"
	}
	wire.JSON(w, 200, map[string]any{
		"ver": "1.0", "account_type": kind, "domain_name": strings.ToLower(domain),
		"cloud_instance_name": "microsoftonline.com", "cloud_audience_urn": "urn:federation:MicrosoftOnline",
	})
}

// passwordGrant is ROPC: managed users without an MFA requirement get
// tokens; a wrong password is 50126, an unknown user 50034.
func (e *Server) passwordGrant(g grant) (map[string]any, *entraError) {
	f := g.r.PostForm
	for _, p := range []string{"username", "password"} {
		if f.Get(p) == "" {
			return nil, errMissingParam(p)
		}
	}
	if f.Get("scope") == "" {
		return nil, errMissingParam("scope")
	}
	u := e.world.User(f.Get("username"))
	if u == nil || !strings.Contains(f.Get("username"), "@") {
		return nil, newEntraError(400, "invalid_grant", 50034,
			"The user account %s does not exist in the %s directory. To sign into this application, the account must be added to the directory.",
			f.Get("username"), e.world.Domain)
	}
	if f.Get("password") != u.Password {
		return nil, newEntraError(400, "invalid_grant", 50126, "Error validating credentials due to invalid username or password.")
	}
	var err *entraError
	if g.scopes, err = e.userScopes(f.Get("scope"), ""); err != nil {
		return nil, err
	}
	g.user = u
	return e.userTokenResponse(g, g.scopes.reserved["offline_access"])
}
