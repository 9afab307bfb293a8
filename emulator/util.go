package emulator

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"html"
	"strconv"
	"strings"
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

// randomToken returns n random bytes, base64url-encoded: opaque codes and tokens.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// randomGUID is a random (not seeded) GUID: trace ids, uti, aio.
func randomGUID() string {
	return seedGUID(randomToken(16))
}

func itoa(n int) string { return strconv.Itoa(n) }

// clientInfoValue is the base64url client_info Entra returns: {"uid","utid"}.
func clientInfoValue(u *User, tenantID string) string {
	b, _ := json.Marshal(map[string]string{"uid": u.ObjectID, "utid": tenantID})
	return base64.RawURLEncoding.EncodeToString(b)
}
