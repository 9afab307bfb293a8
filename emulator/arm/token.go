package arm

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/bearer"
	"github.com/golang-jwt/jwt/v5"
)

// armAudiences are the only aud values ARM accepts, exactly.
var armAudiences = []string{
	"https://management.core.windows.net/", "https://management.core.windows.net",
	"https://management.azure.com/", "https://management.azure.com",
}

// authenticate checks the bearer token and answers ARM's 401 itself. A
// token of any tenant ARM knows passes here: tenant-level calls (/tenants,
// /subscriptions) take them all; subscription calls check the
// subscription's tenant (checkTenant).
func (s *server) authenticate(rc *requestContext) (jwt.MapClaims, bool) {
	claims, code, msg, challenge := s.checkToken(rc.r.Header.Get("Authorization"))
	if code == "" {
		return claims, true
	}
	desc := "The access token is invalid."
	if code == "AuthenticationFailed" {
		desc = "The authentication failed because of missing 'Authorization' header."
	}
	tenant := ""
	if code == "InvalidAuthenticationTokenTenant" {
		tenant = s.cfg.TenantID
	}
	rc.challenge(tenant, desc, challenge)
	rc.fail(http.StatusUnauthorized, code, msg)
	return nil, false
}

// challenge sets ARM's WWW-Authenticate: for a token of the wrong tenant
// the authority of the tenant the resource belongs to, else the bare
// authority (as recorded in Azure/azure-sdk-for-python's azure-mgmt-core
// tests), with a claims challenge for a revoked session.
func (rc *requestContext) challenge(tenant, desc, claims string) {
	header := fmt.Sprintf(`Bearer authorization_uri="https://login.windows.net/%s", error="invalid_token", error_description="%s"`, tenant, desc)
	if claims != "" {
		// ARM's CAE answer.
		header = fmt.Sprintf(`Bearer authorization_uri="https://login.windows.net/%s", error="invalid_token", error_description="User session has been revoked", claims="%s"`,
			tenant, bearer.Challenge(claims))
	}
	rc.w.Header().Set("WWW-Authenticate", header)
}

// knownTenant: the home tenant or one of the others ARM serves.
func (s *server) knownTenant(tid string) bool {
	if strings.EqualFold(tid, s.cfg.TenantID) {
		return true
	}
	for _, t := range s.cfg.Tenants {
		if strings.EqualFold(t.ID, tid) {
			return true
		}
	}
	return false
}

// checkTenant answers 401 InvalidAuthenticationTokenTenant when the token
// is not from the subscription's tenant (text: Azure/AKS#1238, Azure/pcs-cli#357).
func (rc *requestContext) checkTenant(tenant string) bool {
	if strings.EqualFold(rc.caller.tid, tenant) {
		return true
	}
	iss, _ := rc.claims["iss"].(string)
	rc.challenge(tenant, "The access token is from the wrong issuer.", "")
	rc.fail(http.StatusUnauthorized, "InvalidAuthenticationTokenTenant", wrongIssuer(iss, tenant))
	return false
}

func wrongIssuer(iss, tenant string) string {
	return fmt.Sprintf("The access token is from the wrong issuer '%s'. It must match the tenant 'https://sts.windows.net/%s/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/%s' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.",
		iss, tenant, tenant)
}

// checkToken returns the claims, or ARM's error code and message;
// challenge is the claims challenge of a revoked session.
func (s *server) checkToken(header string) (claims jwt.MapClaims, code, message, challenge string) {
	ck := bearer.Checker{Key: s.cfg.PublicKey, Audiences: armAudiences, Now: s.cfg.Now, Revoked: s.cfg.Revoked}
	claims, f := ck.Check(header)
	if f == nil {
		tid, _ := claims["tid"].(string)
		if !s.knownTenant(tid) {
			iss, _ := claims["iss"].(string)
			return nil, "InvalidAuthenticationTokenTenant", wrongIssuer(iss, s.cfg.TenantID), ""
		}
		return claims, "", "", ""
	}
	switch f.Reason {
	case bearer.Missing:
		return nil, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.", ""
	case bearer.NotBearer:
		return nil, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is provided in an invalid format.", ""
	case bearer.WrongAudience:
		return nil, "InvalidAuthenticationTokenAudience", fmt.Sprintf(
			"The access token has been obtained for wrong audience or resource '%s'. It should exactly match with one of the allowed audiences '%s'.",
			strings.Join(f.Audience, ","), strings.Join(armAudiences, "','")), ""
	case bearer.Expired:
		return nil, "ExpiredAuthenticationToken", fmt.Sprintf("The access token expiry UTC time '%s' is earlier than current UTC time '%s'.",
			dotnetTime(f.Expiry), dotnetTime(s.cfg.Now())), ""
	case bearer.NotYetValid:
		return nil, "InvalidAuthenticationToken", "The access token is not yet valid.", ""
	case bearer.Revoked:
		return nil, "InvalidAuthenticationToken", "User session has been revoked", f.Claims
	}
	return nil, "InvalidAuthenticationToken", "The access token is invalid.", ""
}

// dotnetTime is how ARM prints times in its messages: "9/1/2026 12:00:00 PM".
func dotnetTime(t time.Time) string { return t.UTC().Format("1/2/2006 3:04:05 PM") }
