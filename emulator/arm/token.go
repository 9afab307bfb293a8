package arm

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// armAudiences are the only aud values ARM accepts, exactly.
var armAudiences = []string{
	"https://management.core.windows.net/", "https://management.core.windows.net",
	"https://management.azure.com/", "https://management.azure.com",
}

// authenticate checks the bearer token and answers ARM's 401 itself.
func (s *server) authenticate(rc *requestContext) bool {
	code, msg := s.checkToken(rc.r.Header.Get("Authorization"))
	if code == "" {
		return true
	}
	desc := "The access token is invalid."
	if code == "AuthenticationFailed" {
		desc = "The authentication failed because of missing 'Authorization' header."
	}
	rc.w.Header().Set("WWW-Authenticate",
		fmt.Sprintf(`Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="%s"`, desc))
	rc.fail(http.StatusUnauthorized, code, msg)
	return false
}

// checkToken returns "" or ARM's error code and message.
func (s *server) checkToken(header string) (code, message string) {
	scheme, raw, _ := strings.Cut(header, " ")
	raw = strings.TrimSpace(raw)
	if header == "" {
		return "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing."
	}
	if !strings.EqualFold(scheme, "Bearer") || raw == "" {
		return "AuthenticationFailed", "Authentication failed. The 'Authorization' header is provided in an invalid format."
	}
	claims := jwt.MapClaims{}
	parser := jwt.NewParser(jwt.WithValidMethods([]string{"RS256"}), jwt.WithoutClaimsValidation())
	if _, err := parser.ParseWithClaims(raw, claims, func(*jwt.Token) (any, error) {
		if s.cfg.PublicKey == nil {
			return nil, errors.New("no key")
		}
		return s.cfg.PublicKey, nil
	}); err != nil {
		return "InvalidAuthenticationToken", "The access token is invalid."
	}
	aud, _ := claims.GetAudience()
	if !audienceAllowed(aud) {
		return "InvalidAuthenticationTokenAudience", fmt.Sprintf(
			"The access token has been obtained for wrong audience or resource '%s'. It should exactly match with one of the allowed audiences '%s'.",
			strings.Join(aud, ","), strings.Join(armAudiences, "','"))
	}
	now := s.cfg.Now()
	exp, _ := claims.GetExpirationTime()
	if exp == nil {
		return "InvalidAuthenticationToken", "The access token is invalid."
	}
	if !now.Before(exp.Time) {
		return "ExpiredAuthenticationToken", fmt.Sprintf("The access token expiry UTC time '%s' is earlier than current UTC time '%s'.",
			dotnetTime(exp.Time), dotnetTime(now))
	}
	if nbf, _ := claims.GetNotBefore(); nbf != nil && now.Before(nbf.Time) {
		return "InvalidAuthenticationToken", "The access token is not yet valid."
	}
	if tid, _ := claims["tid"].(string); s.cfg.TenantID != "" && !strings.EqualFold(tid, s.cfg.TenantID) {
		return "InvalidAuthenticationTokenTenant", fmt.Sprintf(
			"The access token is from the wrong issuer '%s'. It must match the tenant 'https://sts.windows.net/%s/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/%s' to get the token.",
			claims["iss"], s.cfg.TenantID, s.cfg.TenantID)
	}
	return "", ""
}

func audienceAllowed(aud []string) bool {
	for _, a := range aud {
		for _, ok := range armAudiences {
			if a == ok {
				return true
			}
		}
	}
	return false
}

// dotnetTime is how ARM prints times in its messages: "9/1/2026 12:00:00 PM".
func dotnetTime(t time.Time) string { return t.UTC().Format("1/2/2006 3:04:05 PM") }
