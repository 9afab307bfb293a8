package entra

import (
	"net/http"
	"strings"

	"github.com/azrepl/azrepl/emulator/internal/wire"
)

// ServeHTTP routes login.microsoftonline.com: /{tenant}/… to the tenant's
// endpoints, and the tenant-less discovery and user realm paths.
func (e *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) < 2 && !strings.EqualFold(strings.Trim(r.URL.Path, "/"), "common/userrealm") {
		e.notFound(w, r)
		return
	}
	seg, rest := parts[0], strings.Join(parts[1:], "/")
	if strings.EqualFold(seg, "common") && rest == "discovery/instance" {
		e.instanceDiscovery(w, r)
		return
	}
	if strings.EqualFold(seg, "common") && strings.EqualFold(parts[1], "userrealm") {
		upn := ""
		if len(parts) > 2 {
			upn = strings.Join(parts[2:], "/")
		}
		e.userRealm(w, r, upn)
		return
	}
	t, err := e.resolveTenant(seg)
	if err != nil {
		writeEntraError(w, r, err)
		return
	}
	switch rest {
	case "v2.0/.well-known/openid-configuration":
		e.discovery(w, r, t, true)
	case ".well-known/openid-configuration":
		e.discovery(w, r, t, false)
	case "discovery/v2.0/keys", "discovery/keys":
		wire.JSON(w, 200, e.signer.jwks(e.issuerV2(r, t)))
	case "oauth2/v2.0/devicecode":
		e.deviceCode(w, r, t)
	case "oauth2/v2.0/authorize":
		e.authorize(w, r, t)
	case "oauth2/v2.0/token":
		e.token(w, r, t)
	case "oauth2/v2.0/logout":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte("<!DOCTYPE html><title>Sign out</title><p>You signed out of your account.</p>"))
	case "oauth2/token":
		e.tokenV1(w, r, t)
	case "oauth2/devicecode":
		e.deviceCodeV1(w, r, t)
	case "oauth2/authorize":
		writeEntraError(w, r, newEntraError(400, "invalid_request", 901002,
			"The v1 authorize endpoint is not served by this emulator; use /oauth2/v2.0/authorize."))
	default:
		e.notFound(w, r)
	}
}

func (e *Server) notFound(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write([]byte("<!DOCTYPE html><title>Not found</title><p>The page " + htmlEscape(r.URL.Path) + " does not exist on login.microsoftonline.com.</p>"))
}
