// Package bearer is the one check of an Entra access token that the
// emulator's resource servers (Graph, ARM, Databricks) share: scheme,
// RS256 signature, audience, lifetime, tenant and revoked sessions. Each
// server turns a Failure into its own status, envelope and challenge.
package bearer

import (
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Reason says why a token was refused.
type Reason int

const (
	Missing       Reason = iota + 1 // no Authorization header
	NotBearer                       // another scheme, or "Bearer" with nothing after it
	Malformed                       // not three dot-separated parts
	BadSignature                    // not RS256 or not signed by the trusted key
	WrongAudience                   // aud is none of the accepted values
	NoExpiry                        // exp missing
	Expired                         // exp is past
	NotYetValid                     // nbf is ahead
	WrongTenant                     // tid is not the resource's tenant
	Revoked                         // the session was revoked (continuous access evaluation)
)

// Failure is a refused token with what a service needs to word its answer.
type Failure struct {
	Reason   Reason
	Audience []string  // aud as sent (WrongAudience)
	Issuer   string    // iss as sent (WrongTenant)
	Expiry   time.Time // exp (Expired)
	// Claims is the claims-challenge JSON for Revoked (a service sends it
	// base64-encoded in WWW-Authenticate, see Challenge).
	Claims string
}

func (f *Failure) Error() string {
	return [...]string{"", "missing", "not bearer", "malformed", "bad signature", "wrong audience",
		"no expiry", "expired", "not yet valid", "wrong tenant", "revoked"}[f.Reason]
}

// RevocationFunc is asked about every otherwise valid token. It returns the
// claims-challenge JSON and true when the token's session was revoked.
type RevocationFunc func(claims jwt.MapClaims) (challenge string, revoked bool)

// Checker verifies tokens for one resource server.
type Checker struct {
	Key       *rsa.PublicKey // verifies RS256 signatures; nil refuses every token
	Audiences []string       // accepted aud values, compared without a trailing slash
	TenantID  string         // "" accepts any tenant
	Now       func() time.Time
	Revoked   RevocationFunc // optional
}

// Check returns the token's claims, or why it is refused.
func (c *Checker) Check(authorization string) (jwt.MapClaims, *Failure) {
	raw, f := Token(authorization)
	if f != nil {
		return nil, f
	}
	return c.CheckToken(raw)
}

// Token takes the token out of an Authorization header (scheme case-insensitive).
func Token(authorization string) (string, *Failure) {
	if authorization == "" {
		return "", &Failure{Reason: Missing}
	}
	scheme, raw, _ := strings.Cut(authorization, " ")
	raw = strings.TrimSpace(raw)
	if !strings.EqualFold(scheme, "Bearer") || raw == "" {
		return "", &Failure{Reason: NotBearer}
	}
	return raw, nil
}

// CheckToken verifies a raw JWT.
func (c *Checker) CheckToken(raw string) (jwt.MapClaims, *Failure) {
	if strings.Count(raw, ".") != 2 {
		return nil, &Failure{Reason: Malformed}
	}
	claims := jwt.MapClaims{}
	parser := jwt.NewParser(jwt.WithValidMethods([]string{"RS256"}), jwt.WithoutClaimsValidation())
	if _, err := parser.ParseWithClaims(raw, claims, func(*jwt.Token) (any, error) {
		if c.Key == nil {
			return nil, errors.New("no key")
		}
		return c.Key, nil
	}); err != nil {
		return nil, &Failure{Reason: BadSignature} // also undecodable parts: "invalid" to every service
	}
	aud, _ := claims.GetAudience()
	if !c.audienceOK(aud) {
		return nil, &Failure{Reason: WrongAudience, Audience: aud}
	}
	now := time.Now()
	if c.Now != nil {
		now = c.Now()
	}
	exp, _ := claims.GetExpirationTime()
	if exp == nil {
		return nil, &Failure{Reason: NoExpiry}
	}
	if !now.Before(exp.Time) {
		return nil, &Failure{Reason: Expired, Expiry: exp.Time}
	}
	if nbf, _ := claims.GetNotBefore(); nbf != nil && now.Before(nbf.Time) {
		return nil, &Failure{Reason: NotYetValid}
	}
	if tid, _ := claims["tid"].(string); c.TenantID != "" && !strings.EqualFold(tid, c.TenantID) {
		iss, _ := claims["iss"].(string)
		return nil, &Failure{Reason: WrongTenant, Issuer: iss}
	}
	if c.Revoked != nil {
		if challenge, revoked := c.Revoked(claims); revoked {
			return nil, &Failure{Reason: Revoked, Claims: challenge}
		}
	}
	return claims, nil
}

func (c *Checker) audienceOK(aud []string) bool {
	for _, a := range aud {
		for _, ok := range c.Audiences {
			if strings.TrimSuffix(a, "/") == strings.TrimSuffix(ok, "/") {
				return true
			}
		}
	}
	return false
}

// Challenge encodes claims-challenge JSON as the claims="…" parameter of a
// WWW-Authenticate header carries it (standard base64, as Graph and ARM send).
func Challenge(claimsJSON string) string {
	return base64.StdEncoding.EncodeToString([]byte(claimsJSON))
}

// String returns a claim as a string ("" when absent or not a string).
func String(c jwt.MapClaims, name string) string {
	s, _ := c[name].(string)
	return s
}
