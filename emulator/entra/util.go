package entra

import (
	"encoding/base64"
	"encoding/json"
	"html"
	"net/http"
	"strconv"
	"strings"

	"github.com/azrepl/azrepl/emulator/world"
)

func splitPath(p string) []string {
	var out []string
	for _, s := range strings.Split(p, "/") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func htmlEscape(s string) string { return html.EscapeString(s) }

func itoa(n int) string { return strconv.Itoa(n) }

// clientInfoValue is the base64url client_info Entra returns: {"uid","utid"}.
func clientInfoValue(u *world.User, tenantID string) string {
	b, _ := json.Marshal(map[string]string{"uid": u.ObjectID, "utid": tenantID})
	return base64.RawURLEncoding.EncodeToString(b)
}

// parsePostForm accepts only a POSTed form, as Entra's /token and /devicecode
// do; otherwise it writes the error and returns false.
func parsePostForm(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodPost {
		writeEntraError(w, r, newEntraError(400, "invalid_request", 900561, "The endpoint only accepts POST, OPTIONS requests. Received a %s request.", r.Method))
		return false
	}
	if err := r.ParseForm(); err != nil {
		writeEntraError(w, r, newEntraError(400, "invalid_request", 9002313, "Invalid request. Request is malformed or invalid."))
		return false
	}
	return true
}
