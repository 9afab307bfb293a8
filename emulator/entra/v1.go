package entra

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/azrepl/azrepl/emulator/internal/wire"
)

// tokenV1 is POST /{tenant}/oauth2/token, the v1 endpoint (ADAL, the
// Databricks SDK's azure-client-secret, managed-identity style callers): it
// takes resource= instead of scope=, and answers with v1 fields, numbers as
// strings (expires_in, ext_expires_in, expires_on, not_before) and resource.
func (e *Server) tokenV1(w http.ResponseWriter, r *http.Request, t tenantRef) {
	if !parsePostForm(w, r) {
		return
	}
	w.Header().Set("Cache-Control", "no-store, no-cache")
	f := r.PostForm
	if f.Get("scope") != "" && f.Get("resource") == "" && f.Get("grant_type") != "refresh_token" {
		writeEntraError(w, r, newEntraError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'resource'."))
		return
	}
	resource := f.Get("resource")
	if resource == "" && f.Get("grant_type") != "refresh_token" {
		writeEntraError(w, r, errMissingParam("resource"))
		return
	}
	if resource == "" {
		resource = graphResource // a v1 refresh without resource: the resource of the original grant; Graph here
	}
	// The grants themselves are the v2 ones: one resource, its default permissions.
	scope := resource + "/.default"
	if f.Get("grant_type") != "client_credentials" {
		scope += " offline_access" // v1 user grants always return a refresh token
	}
	f.Set("scope", scope)
	f.Del("resource")
	if gt := f.Get("grant_type"); (gt == "device_code" || gt == "urn:ietf:params:oauth:grant-type:device_code") && f.Get("device_code") == "" {
		// ADAL redeems a v1 device code as "code" (adal-node's
		// TokenRequest.getTokenWithDeviceCode).
		f.Set("device_code", f.Get("code"))
	}
	now := e.now()
	resp, err := e.redeem(r, t)
	if err != nil {
		writeEntraError(w, r, err)
		return
	}
	expiresIn, _ := resp["expires_in"].(int)
	v1 := map[string]any{
		"token_type":     "Bearer",
		"expires_in":     strconv.Itoa(expiresIn),
		"ext_expires_in": strconv.Itoa(expiresIn),
		"expires_on":     strconv.FormatInt(now.Unix()+int64(expiresIn), 10),
		"not_before":     strconv.FormatInt(now.Unix(), 10),
		"resource":       resource,
		"access_token":   resp["access_token"],
	}
	if rt, ok := resp["refresh_token"]; ok {
		v1["refresh_token"] = rt
		// v1 user tokens list the granted permissions without the resource prefix.
		var perms []string
		for _, s := range strings.Fields(resp["scope"].(string)) {
			if i := strings.LastIndexByte(s, '/'); i >= 0 && !strings.HasSuffix(s, ".default") {
				perms = append(perms, s[i+1:])
			}
		}
		v1["scope"] = strings.Join(perms, " ")
	}
	for _, k := range []string{"id_token", "foci", "client_info"} {
		if v, ok := resp[k]; ok {
			v1[k] = v
		}
	}
	wire.JSON(w, 200, v1)
}
