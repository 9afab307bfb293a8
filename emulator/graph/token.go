package graph

import (
	"net/http"
	"strings"

	"github.com/azrepl/azrepl/emulator/internal/bearer"
	"github.com/azrepl/azrepl/internal/graphperm"
	"github.com/golang-jwt/jwt/v5"
)

// graphAudiences are the aud values Graph accepts, compared without a trailing slash.
var graphAudiences = []string{"https://graph.microsoft.com", "00000003-0000-0000-c000-000000000000"}

// caeMessage is Graph's 401 message when continuous access evaluation refuses a token.
const caeMessage = "Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp"

// principal is who a valid token speaks for and what it may do.
type principal struct {
	delegated   bool // scp present: a user token
	oid, appID  string
	permissions map[string]bool // scp (delegated) or roles (app)
	dir         *directory      // the token's tenant's directory
}

// allowed decides from Microsoft's Graph permissions data, as Graph does:
// the call is allowed when one permission that grants it (and one of its
// AlsoRequires) is in the token's scp (delegated) or roles (application).
// path is the request path without the version ("groups/x").
func (p *principal) allowed(method, path string) bool {
	r, ok := graphperm.Lookup(method, "/"+path)
	if !ok && method == http.MethodPost && strings.HasSuffix(strings.ToLower(path), "/members/$ref") {
		// Microsoft's data lists no POST on members; Add members
		// (https://learn.microsoft.com/graph/api/group-post-members) names
		// the permissions it also names for removing one.
		r, ok = graphperm.Lookup(http.MethodDelete, "/"+path[:len(path)-len("$ref")]+"x")
	}
	if !ok {
		return false
	}
	scheme := graphperm.Application
	if p.delegated {
		scheme = graphperm.DelegatedWork
	}
	return r.Allows(scheme, func(name string) bool { return p.permissions[name] })
}

// allowedOrDenied is allowed, answering Graph's 403 when not.
func (p *principal) allowedOrDenied(rc *requestContext, method, path string) bool {
	if p.allowed(method, path) {
		return true
	}
	rc.denied()
	return false
}

// authenticate checks the bearer token and answers Graph's 401 itself when it fails.
func (s *server) authenticate(rc *requestContext) (*principal, bool) {
	claims, f := s.checker.Check(rc.r.Header.Get("Authorization"))
	if f == nil {
		tid, _ := claims["tid"].(string)
		if dir := s.dirs[strings.ToLower(tid)]; dir != nil {
			p := principalFrom(claims)
			p.dir = dir
			return p, true
		}
		iss, _ := claims["iss"].(string)
		f = &bearer.Failure{Reason: bearer.WrongTenant, Issuer: iss}
	}
	if f.Reason == bearer.Revoked {
		// Graph's CAE answer: its usual challenge plus error and claims.
		rc.w.Header().Set("WWW-Authenticate", wwwAuthenticate+`, error="insufficient_claims", claims="`+bearer.Challenge(f.Claims)+`"`)
	}
	rc.fail(http.StatusUnauthorized, "InvalidAuthenticationToken", failureMessage(f))
	return nil, false
}

// failureMessage is Graph's 401 message for a refused token.
func failureMessage(f *bearer.Failure) string {
	switch f.Reason {
	case bearer.Missing, bearer.NotBearer:
		return "Access token is empty."
	case bearer.Malformed:
		// The whole IdentityModel text (MaikuB/flutter_appauth#575).
		return "IDX14100: JWT is not well formed, there are no dots (.).\nThe token needs to be in JWS or JWE Compact Serialization Format. (JWS): 'EncodedHeader.EncodedPayload.EncodedSignature'. (JWE): 'EncodedProtectedHeader.EncodedEncryptedKey.EncodedInitializationVector.EncodedCiphertext.EncodedAuthenticationTag'."
	case bearer.WrongAudience:
		return "Access token validation failure. Invalid audience."
	case bearer.Expired, bearer.NoExpiry:
		return "Lifetime validation failed, the token is expired."
	case bearer.NotYetValid:
		return "Lifetime validation failed, the token is not yet valid."
	case bearer.WrongTenant:
		return "Access token validation failure. Invalid issuer."
	case bearer.Revoked:
		return caeMessage
	}
	return "Access token validation failure."
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
