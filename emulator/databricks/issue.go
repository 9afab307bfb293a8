package databricks

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/wire"
	"github.com/golang-jwt/jwt/v5"
)

// What the grants share: the client credentials a request carries, and
// minting the workspace's access token.

// clientCredentialsFrom reads HTTP Basic (whose parts are form-encoded, RFC 6749 §2.3.1)
// or client_id/client_secret in the body.
func clientCredentialsFrom(r *http.Request) (id, secret string, basic bool) {
	if u, p, ok := r.BasicAuth(); ok {
		id, err1 := url.QueryUnescape(u)
		secret, err2 := url.QueryUnescape(p)
		if err1 != nil || err2 != nil {
			return u, p, true
		}
		return id, secret, true
	}
	return r.PostForm.Get("client_id"), r.PostForm.Get("client_secret"), false
}

// mintAccessToken signs a workspace or account OAuth token: sub is the user
// name or the service principal's application id.
func (s *server) mintAccessToken(st site, subject, clientID string, scopes []string, exp time.Time) (string, error) {
	now := s.cfg.Now()
	claims := jwt.MapClaims{
		"iss":       st.issuer,
		"aud":       clientID,
		"sub":       subject,
		"client_id": clientID,
		"scope":     strings.Join(scopes, " "),
		"iat":       now.Unix(),
		"nbf":       now.Unix(),
		"exp":       exp.Unix(),
		"jti":       wire.RandomGUID(),
	}
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	t.Header["kid"] = s.kid
	return t.SignedString(s.key)
}
