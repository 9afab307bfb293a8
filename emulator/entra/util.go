package entra

import (
	"encoding/base64"
	"encoding/json"
	"html"
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
