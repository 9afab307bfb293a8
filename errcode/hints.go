package errcode

import "github.com/azrepl/azrepl/internal/azroles"

// Hinted is a row of the tables below: the code azrepl gives a failure and
// what to do about it in plain words ("" when there is nothing better to
// say than the service's own message).
type Hinted struct {
	Code string
	Hint string
}

const (
	consentHint       = "consent needed: an administrator (or you) must grant this app the permission for that scope"
	scopeHint         = "invalid scope: ask for one resource at a time, e.g. https://graph.microsoft.com/.default"
	deviceExpiredHint = "the device code expired before sign-in finished: start login() again"
)

// aadsts holds the AADSTS codes people meet most (Entra's error_codes).
var aadsts = map[int]Hinted{
	65001: {ConsentRequired, consentHint},
	65002: {ConsentRequired, "this Microsoft first-party client is not pre-authorized for that scope; use your own app registration"},

	50076: {MFARequired, "multi-factor authentication is required: log in again interactively (device or browser flow) for this tenant"},
	50079: {MFARequired, "you must register for multi-factor authentication: sign in once in a browser, then log in again"},

	53003: {InteractionRequired, "blocked by a Conditional Access policy of the tenant: ask its administrators, or sign in from an allowed device/location"},
	50158: {InteractionRequired, ""},
	50072: {InteractionRequired, ""},

	700016:  {InvalidClient, "the application was not found in that tenant: check the tenant and the client id"},
	7000215: {InvalidClient, "invalid client secret: pass the secret's VALUE, not its secret ID"},
	7000222: {InvalidClient, "the client secret has expired: create a new one for the app"},
	700027:  {InvalidClient, "the client assertion signature is invalid: is this certificate uploaded to the app registration?"},
	7000218: {InvalidClient, "the request needs a client_secret or a client_assertion (this app is confidential)"},
	700025:  {InvalidClient, "a public client must not send a secret or an assertion"},

	70000:  {Unauthenticated, "the refresh token or grant is invalid or was revoked: log in again"},
	70008:  {Unauthenticated, "the refresh token has expired: log in again"},
	700082: {Unauthenticated, "the refresh token expired after a period of inactivity: log in again"},
	70043:  {Unauthenticated, "the refresh token expired because of the sign-in frequency policy: log in again"},
	50173:  {Unauthenticated, "the grant was revoked (password change or administrator action): log in again"},
	70020:  {Unauthenticated, deviceExpiredHint},
	54005:  {Unauthenticated, "the authorization code was already redeemed: start the login again"},
	50126:  {Unauthenticated, "invalid username or password"},
	50034:  {Unauthenticated, "no such user in this tenant"},

	70011:  {BadRequest, scopeHint},
	28000:  {BadRequest, "the scope mixes several resources: ask for one resource per token"},
	28002:  {BadRequest, "invalid scope for this token request"},
	90002:  {BadRequest, "tenant not found: check the tenant id or domain"},
	500011: {BadRequest, "the resource is not known in this tenant: check the scope's resource"},
	50020:  {BadRequest, "the user is not in this tenant: invite them as a guest or use their home tenant"},
	90038:  {BadRequest, "the tenant belongs to another national cloud: set the cloud option or AZURE_AUTHORITY_HOST"},
	501481: {BadRequest, "PKCE code verifier mismatch"},

	50196: {Throttled, "Entra stopped a loop of identical token requests: use the cached token (no force: true), and wait a minute before asking again"},
}

// AADSTS is the row of an AADSTS code; ok is false for codes not in the table.
func AADSTS(code int) (row Hinted, ok bool) {
	row, ok = aadsts[code]
	return row, ok
}

// oauthErrors holds the OAuth "error" values (RFC 6749 5.2, RFC 8628 3.5,
// OpenID Connect Core 3.1.2.6) for answers whose AADSTS code is not in the
// table, or that carry none (Databricks' /oidc).
var oauthErrors = map[string]Hinted{
	"consent_required":     {ConsentRequired, consentHint},
	"interaction_required": {InteractionRequired, "interactive sign-in needed (MFA or Conditional Access): log in again"},
	"login_required":       {InteractionRequired, ""},
	"invalid_client":       {InvalidClient, "client authentication failed: check the client id and its secret or certificate"},
	"unauthorized_client":  {InvalidClient, ""},
	// The hint of invalid_grant is given only when the description names
	// the refresh token (EntraError.Hint).
	"invalid_grant":          {Unauthenticated, "the refresh token is invalid or expired: log in again"},
	"expired_token":          {Unauthenticated, deviceExpiredHint},
	"authorization_declined": {Unauthenticated, "the sign-in was declined"},
	"access_denied":          {Unauthenticated, ""},
	"bad_verification_code":  {"", "the device code was not recognised"},
	"invalid_scope":          {BadRequest, scopeHint},
	"invalid_request":        {BadRequest, ""},
	"unsupported_grant_type": {BadRequest, ""},
	"invalid_resource":       {BadRequest, ""},
}

// OAuthError is the row of an OAuth "error" value; ok is false for values
// not in the table.
func OAuthError(err string) (row Hinted, ok bool) {
	row, ok = oauthErrors[err]
	return row, ok
}

// statuses holds the HTTP statuses of a service's answer that have a code
// of their own; 500 stands for every 5xx.
var statuses = map[int]Hinted{
	400: {BadRequest, ""},
	401: {Unauthenticated, "the token was refused: expired, revoked, from another tenant or for another audience (compare its aud with the service); login() again, or token(scope, {force: true})"},
	403: {Forbidden, "signed in but not allowed: the token's scp/roles lack the permission this call needs, or the identity has no role on the resource"},
	404: {NotFound, "no such resource: check the path, the id and the API version"},
	429: {Throttled, "throttled: wait for Retry-After and send fewer requests at once"},
	500: {ServerError, "the service failed: try again later, and quote the request id to its support"},
}

// Status is the row of an HTTP status; the zero row for statuses with no
// code of their own (2xx, 409, 412…).
func Status(status int) Hinted {
	if status >= 500 {
		status = 500
	}
	return statuses[status]
}

// NoAnswerHint explains a request that got no HTTP answer at all.
const NoAnswerHint = "no HTTP answer came: check the host name, HTTPS_PROXY/NO_PROXY, TLS trust (SSL_CERT_FILE) and the network"

// ServiceHint explains a service's own error code where the message says
// more than its status: ARM's AuthorizationFailed names the action and the
// scope, and the hint adds the built-in roles that grant the action.
// A Databricks workspace answers a token it cannot verify at all (a wrong,
// revoked or expired personal access token, one of another workspace) with
// 403 "Invalid access token.": the token, not a permission, is the problem.
func ServiceHint(code, message string) string {
	switch {
	case code == "AuthorizationFailed":
		return azroles.Hint(message)
	case message == "Invalid access token.":
		return "the workspace does not know this token: a personal access token that is mistyped, revoked, expired or from another workspace; " +
			"create one in the workspace (Settings → Developer → Access tokens) or sign in another way (databricks({flow: \"u2m\"}), \"m2m\", \"azure\")"
	}
	return ""
}
