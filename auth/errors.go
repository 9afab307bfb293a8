package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

// EntraError is an OAuth error answered by a token or device-code endpoint
// (Entra ID's shape; Databricks' /oidc answers the RFC 6749 subset of it).
type EntraError struct {
	Err           string // the "error" field: invalid_grant, invalid_scope, ...
	Codes         []int  // AADSTS codes
	Description   string // first line of error_description, without the trace lines
	TraceID       string
	CorrelationID string
	Timestamp     string
	Suberror      string
	Claims        string // a claims challenge to send back with the next request
	ErrorURI      string
	HTTPStatus    int
	// Advice is a hint worked out from the request (e.g. for 65002 the
	// client that is pre-authorized); it replaces the generic hint.
	Advice string
	// InteractionRequired: only a new interactive login can fix this
	// (a claims challenge the refresh token could not satisfy).
	InteractionRequired bool
}

func (e *EntraError) Error() string {
	var b strings.Builder
	b.WriteString(e.Err)
	if e.Description != "" {
		b.WriteString(": ")
		b.WriteString(e.Description)
	}
	if e.HTTPStatus != 0 {
		fmt.Fprintf(&b, " (HTTP %d", e.HTTPStatus)
		if e.TraceID != "" {
			b.WriteString(", trace id " + e.TraceID)
		}
		b.WriteString(")")
	}
	if h := e.Hint(); h != "" {
		b.WriteString(" — " + h)
	}
	return oneLine(b.String())
}

// oneLine collapses line breaks and other control characters to spaces: an
// error is one line whatever a server put in its fields.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsControl), " ")
}

// HasCode reports whether the error carries the AADSTS code.
func (e *EntraError) HasCode(code int) bool {
	for _, c := range e.Codes {
		if c == code {
			return true
		}
	}
	return false
}

// hints are plain-word explanations for the AADSTS codes people meet most.
var hints = map[int]string{
	65001:   "consent needed: an administrator (or you) must grant this app the permission for that scope",
	65002:   "this Microsoft first-party client is not pre-authorized for that scope; use your own app registration",
	50076:   "multi-factor authentication is required: log in again interactively (device or browser flow) for this tenant",
	50079:   "you must register for multi-factor authentication: sign in once in a browser, then log in again",
	53003:   "blocked by a Conditional Access policy of the tenant: ask its administrators, or sign in from an allowed device/location",
	700016:  "the application was not found in that tenant: check the tenant and the client id",
	70011:   "invalid scope: ask for one resource at a time, e.g. https://graph.microsoft.com/.default",
	28000:   "the scope mixes several resources: ask for one resource per token",
	28002:   "invalid scope for this token request",
	70000:   "the refresh token or grant is invalid or was revoked: log in again",
	70008:   "the refresh token has expired: log in again",
	700082:  "the refresh token expired after a period of inactivity: log in again",
	70043:   "the refresh token expired because of the sign-in frequency policy: log in again",
	50173:   "the grant was revoked (password change or administrator action): log in again",
	7000215: "invalid client secret: pass the secret's VALUE, not its secret ID",
	7000222: "the client secret has expired: create a new one for the app",
	700027:  "the client assertion signature is invalid: is this certificate uploaded to the app registration?",
	7000218: "the request needs a client_secret or a client_assertion (this app is confidential)",
	700025:  "a public client must not send a secret or an assertion",
	50126:   "invalid username or password",
	50034:   "no such user in this tenant",
	50020:   "the user is not in this tenant: invite them as a guest or use their home tenant",
	90002:   "tenant not found: check the tenant id or domain",
	70020:   "the device code expired before sign-in finished: start login() again",
	54005:   "the authorization code was already redeemed: start the login again",
	501481:  "PKCE code verifier mismatch",
	500011:  "the resource is not known in this tenant: check the scope's resource",
	50196:   "Entra stopped a loop of identical token requests: use the cached token (no force: true), and wait a minute before asking again",
	90038:   "the tenant belongs to another national cloud: set the cloud option or AZURE_AUTHORITY_HOST",
}

// Hint says in plain words what to do about the error, or "".
func (e *EntraError) Hint() string {
	if e.Advice != "" {
		return e.Advice
	}
	for _, c := range e.Codes {
		if h, ok := hints[c]; ok {
			return h
		}
	}
	switch e.Err {
	case "authorization_declined":
		return "the sign-in was declined"
	case "expired_token":
		return "the device code expired before sign-in finished: start login() again"
	case "bad_verification_code":
		return "the device code was not recognised"
	case "consent_required":
		return hints[65001]
	case "interaction_required":
		return "interactive sign-in needed (MFA or Conditional Access): log in again"
	case "invalid_client":
		return "client authentication failed: check the client id and its secret or certificate"
	case "invalid_scope":
		return hints[70011]
	case "invalid_grant":
		if strings.Contains(strings.ToLower(e.Description), "refresh token") {
			return "the refresh token is invalid or expired: log in again"
		}
	}
	return ""
}

var aadstsPrefix = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^AADSTS(\d+):\s*`) })

// oauthErrorBody is the JSON shape of an OAuth error answer.
type oauthErrorBody struct {
	Error            string          `json:"error"`
	ErrorDescription string          `json:"error_description"`
	ErrorCodes       []int           `json:"error_codes"`
	Timestamp        string          `json:"timestamp"`
	TraceID          string          `json:"trace_id"`
	CorrelationID    string          `json:"correlation_id"`
	ErrorURI         string          `json:"error_uri"`
	Suberror         string          `json:"suberror"`
	Claims           json.RawMessage `json:"claims"`
}

// parseOAuthError builds an EntraError from an error body; ok is false when
// the body has no "error" field.
func parseOAuthError(status int, body []byte) (*EntraError, bool) {
	var b oauthErrorBody
	if json.Unmarshal(body, &b) != nil || b.Error == "" {
		return nil, false
	}
	e := &EntraError{Err: b.Error, Codes: b.ErrorCodes, TraceID: b.TraceID, CorrelationID: b.CorrelationID,
		Timestamp: b.Timestamp, Suberror: b.Suberror, ErrorURI: b.ErrorURI, HTTPStatus: status}
	if len(b.Claims) > 0 {
		var s string
		if json.Unmarshal(b.Claims, &s) == nil {
			e.Claims = s
		} else {
			e.Claims = string(b.Claims)
		}
	}
	// The description ends with CRLF-separated Trace ID / Correlation ID /
	// Timestamp lines: keep the first line, which is the message.
	first := strings.TrimSpace(strings.SplitN(strings.ReplaceAll(b.ErrorDescription, "\r\n", "\n"), "\n", 2)[0])
	e.Description = first
	if m := aadstsPrefix().FindStringSubmatch(first); m != nil && len(e.Codes) == 0 {
		if n, err := strconv.Atoi(m[1]); err == nil {
			e.Codes = []int{n}
		}
	}
	return e, true
}

// ErrLoginNeeded is wrapped by the errors that mean "no usable sign-in":
// nobody is signed in, no refresh token fits, or an app credential is gone.
// Its text is the prefix "not signed in"; the wrapping error says which login.
var ErrLoginNeeded = errors.New("not signed in")

// ErrRefused marks a credential azrepl will not send: a secret or token to
// a plain http:// host, or to an endpoint off the host it belongs to.
var ErrRefused = errors.New("refused")
