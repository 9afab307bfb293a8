package arm

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/bearer"
)

// armAudiences are the only aud values ARM accepts, exactly.
var armAudiences = []string{
	"https://management.core.windows.net/", "https://management.core.windows.net",
	"https://management.azure.com/", "https://management.azure.com",
}

// authenticate checks the bearer token and answers ARM's 401 itself.
func (s *server) authenticate(rc *requestContext) bool {
	code, msg, challenge := s.checkToken(rc.r.Header.Get("Authorization"))
	if code == "" {
		return true
	}
	desc := "The access token is invalid."
	if code == "AuthenticationFailed" {
		desc = "The authentication failed because of missing 'Authorization' header."
	}
	header := fmt.Sprintf(`Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="%s"`, desc)
	if challenge != "" {
		// ARM's CAE answer.
		header = fmt.Sprintf(`Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="User session has been revoked", claims="%s"`,
			bearer.Challenge(challenge))
	}
	rc.w.Header().Set("WWW-Authenticate", header)
	rc.fail(http.StatusUnauthorized, code, msg)
	return false
}

// checkToken returns "" or ARM's error code and message; challenge is the
// claims challenge of a revoked session.
func (s *server) checkToken(header string) (code, message, challenge string) {
	ck := bearer.Checker{Key: s.cfg.PublicKey, Audiences: armAudiences, TenantID: s.cfg.TenantID, Now: s.cfg.Now, Revoked: s.cfg.Revoked}
	_, f := ck.Check(header)
	if f == nil {
		return "", "", ""
	}
	switch f.Reason {
	case bearer.Missing:
		return "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.", ""
	case bearer.NotBearer:
		return "AuthenticationFailed", "Authentication failed. The 'Authorization' header is provided in an invalid format.", ""
	case bearer.WrongAudience:
		return "InvalidAuthenticationTokenAudience", fmt.Sprintf(
			"The access token has been obtained for wrong audience or resource '%s'. It should exactly match with one of the allowed audiences '%s'.",
			strings.Join(f.Audience, ","), strings.Join(armAudiences, "','")), ""
	case bearer.Expired:
		return "ExpiredAuthenticationToken", fmt.Sprintf("The access token expiry UTC time '%s' is earlier than current UTC time '%s'.",
			dotnetTime(f.Expiry), dotnetTime(s.cfg.Now())), ""
	case bearer.NotYetValid:
		return "InvalidAuthenticationToken", "The access token is not yet valid.", ""
	case bearer.WrongTenant:
		return "InvalidAuthenticationTokenTenant", fmt.Sprintf(
			"The access token is from the wrong issuer '%s'. It must match the tenant 'https://sts.windows.net/%s/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/%s' to get the token.",
			f.Issuer, s.cfg.TenantID, s.cfg.TenantID), ""
	case bearer.Revoked:
		return "InvalidAuthenticationToken", "User session has been revoked", f.Claims
	}
	return "InvalidAuthenticationToken", "The access token is invalid.", ""
}

// dotnetTime is how ARM prints times in its messages: "9/1/2026 12:00:00 PM".
func dotnetTime(t time.Time) string { return t.UTC().Format("1/2/2006 3:04:05 PM") }
