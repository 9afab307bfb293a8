package httpx

import (
	"encoding/base64"
	"strings"
)

// parseClaimsChallenge finds a claims challenge in WWW-Authenticate values:
//
//	Bearer realm="", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnsi…"
//
// and returns the decoded claims JSON, which goes as is into the token
// request's claims parameter.
func parseClaimsChallenge(values []string) (string, bool) {
	for _, v := range values {
		params := authParams(v)
		if params["error"] != "insufficient_claims" || params["claims"] == "" {
			continue
		}
		raw := params["claims"]
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			if b, err := enc.DecodeString(raw); err == nil {
				return string(b), true
			}
		}
		if strings.HasPrefix(raw, "{") { // some servers send the JSON itself
			return raw, true
		}
	}
	return "", false
}

// authParams parses the auth-params of one challenge: key=value or key="quoted".
func authParams(v string) map[string]string {
	out := map[string]string{}
	s := strings.TrimSpace(v)
	if i := strings.IndexByte(s, ' '); i > 0 && !strings.Contains(s[:i], "=") {
		s = s[i+1:] // skip the scheme
	}
	for s != "" {
		s = strings.TrimLeft(s, " ,")
		eq := strings.IndexByte(s, '=')
		if eq <= 0 {
			break
		}
		key := strings.ToLower(strings.TrimSpace(s[:eq]))
		s = strings.TrimLeft(s[eq+1:], " ")
		var val string
		if strings.HasPrefix(s, `"`) {
			var b strings.Builder
			i := 1
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				b.WriteByte(s[i])
			}
			val = b.String()
			s = s[min(i+1, len(s)):]
		} else {
			end := strings.IndexByte(s, ',')
			if end < 0 {
				end = len(s)
			}
			val = strings.TrimSpace(s[:end])
			s = s[end:]
		}
		out[key] = val
	}
	return out
}
