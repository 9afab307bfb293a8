package graph

import (
	"errors"
	"net/http"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// graphAudiences are the aud values Graph accepts, compared without a trailing slash.
var graphAudiences = map[string]bool{
	"https://graph.microsoft.com":          true,
	"00000003-0000-0000-c000-000000000000": true,
}

// principal is who a valid token speaks for and what it may do.
type principal struct {
	delegated   bool // scp present: a user token
	oid, appID  string
	permissions map[string]bool // scp (delegated) or roles (app)
}

func (p *principal) allowed(any []string) bool {
	for _, perm := range any {
		if p.permissions[perm] {
			return true
		}
	}
	return false
}

// authenticate checks the bearer token and answers Graph's 401 itself when it fails.
func (s *server) authenticate(rc *requestContext) (*principal, bool) {
	p, msg := s.checkToken(rc.r.Header.Get("Authorization"))
	if msg != "" {
		rc.fail(http.StatusUnauthorized, "InvalidAuthenticationToken", msg)
		return nil, false
	}
	return p, true
}

// checkToken returns the principal or Graph's 401 message.
func (s *server) checkToken(header string) (*principal, string) {
	raw, ok := strings.CutPrefix(header, "Bearer ")
	if !ok {
		raw, ok = strings.CutPrefix(header, "bearer ")
	}
	raw = strings.TrimSpace(raw)
	if !ok || raw == "" {
		return nil, "Access token is empty."
	}
	if strings.Count(raw, ".") != 2 {
		return nil, "IDX14100: JWT is not well formed, there are no dots (.)."
	}
	claims := jwt.MapClaims{}
	parser := jwt.NewParser(jwt.WithValidMethods([]string{"RS256"}), jwt.WithoutClaimsValidation())
	_, err := parser.ParseWithClaims(raw, claims, func(*jwt.Token) (any, error) {
		if s.cfg.PublicKey == nil {
			return nil, errors.New("no key")
		}
		return s.cfg.PublicKey, nil
	})
	if err != nil {
		return nil, "Access token validation failure."
	}
	aud, _ := claims.GetAudience()
	if !audienceMatches(aud) {
		return nil, "Access token validation failure. Invalid audience."
	}
	now := s.cfg.Now()
	exp, _ := claims.GetExpirationTime()
	if exp == nil || !now.Before(exp.Time) {
		return nil, "Lifetime validation failed, the token is expired."
	}
	if nbf, _ := claims.GetNotBefore(); nbf != nil && now.Before(nbf.Time) {
		return nil, "Lifetime validation failed, the token is not yet valid."
	}
	if tid, _ := claims["tid"].(string); s.cfg.TenantID != "" && !strings.EqualFold(tid, s.cfg.TenantID) {
		return nil, "Access token validation failure. Invalid issuer."
	}
	return principalFrom(claims), ""
}

func audienceMatches(aud []string) bool {
	for _, a := range aud {
		if graphAudiences[strings.TrimSuffix(a, "/")] {
			return true
		}
	}
	return false
}

func principalFrom(c jwt.MapClaims) *principal {
	p := &principal{permissions: map[string]bool{}}
	p.oid, _ = c["oid"].(string)
	p.appID, _ = c["appid"].(string)
	if p.appID == "" {
		p.appID, _ = c["azp"].(string)
	}
	if scp, ok := c["scp"].(string); ok {
		p.delegated = true
		for _, s := range strings.Fields(scp) {
			p.permissions[s] = true
		}
		return p
	}
	if roles, ok := c["roles"].([]any); ok {
		for _, r := range roles {
			if s, ok := r.(string); ok {
				p.permissions[s] = true
			}
		}
	}
	return p
}
