package bindings

import (
	"context"
	"crypto/x509"
	"errors"
	"net"

	"github.com/azrepl/azrepl/auth"
	"github.com/azrepl/azrepl/httpx"
)

// The stable error codes of azrepl's JS errors (e.code) and the exit status
// of `azrepl run` when such an error is uncaught. Codes is the one table
// that ties a kind of failure to an exit status: the runtime derives the exit
// status from e.code through ExitCodeFor, throw sites never choose it, and
// every error a binding throws carries one of these codes (ErrorValue falls
// back to CodeFailed). README.md's table under "Errors" is checked against
// this one by a test (TestREADMECodeTable).
const (
	CodeFailed              = "FAILED"
	CodeSyntaxError         = "SYNTAX_ERROR"
	CodeBadArgument         = "BAD_ARGUMENT"
	CodeNotAJWT             = "NOT_A_JWT"
	CodeNoClient            = "NO_CLIENT"
	CodeAuthFailed          = "AUTH_FAILED"
	CodeUnauthenticated     = "UNAUTHENTICATED"
	CodeConsentRequired     = "CONSENT_REQUIRED"
	CodeForbidden           = "FORBIDDEN"
	CodeMFARequired         = "MFA_REQUIRED"
	CodeInteractionRequired = "INTERACTION_REQUIRED"
	CodeInvalidClient       = "INVALID_CLIENT"
	CodeBadRequest          = "BAD_REQUEST"
	CodeNotFound            = "NOT_FOUND"
	CodeThrottled           = "THROTTLED"
	CodeServerError         = "SERVER_ERROR"
	CodeNetwork             = "NETWORK"
	CodeTimeout             = "TIMEOUT"
	CodeHTTPError           = "HTTP_ERROR"
	CodeBadJSON             = "BAD_JSON"
	CodeTooLarge            = "TOO_LARGE"
	CodePagingLoop          = "PAGING_LOOP"
	CodeRefused             = "REFUSED"
	CodeCancelled           = "CANCELLED"
)

// CodeInfo is one row of the table.
type CodeInfo struct {
	Code string
	Exit int
	When string
}

// Codes is the table, in README order. Exit 2 is also command-line usage
// (the cmd package) and an unreadable script file.
var Codes = []CodeInfo{
	{CodeFailed, 1, "a failure with no better kind"},
	{CodeSyntaxError, 1, "a required module does not compile"},
	{CodeBadArgument, 2, "a function called with arguments of the wrong kind, `exit(\"x\")`, a malformed URL"},
	{CodeNotAJWT, 2, "`jwt(x)` on something that is not a JWT"},
	{CodeNoClient, 2, "HTTP is not available in this runtime (offline)"},
	{CodeAuthFailed, 1, "a sign-in failed for a reason with no better kind"},
	{CodeUnauthenticated, 3, "not signed in, refresh token expired or revoked, HTTP 401"},
	{CodeConsentRequired, 4, "AADSTS65001/65002: the app lacks consent"},
	{CodeForbidden, 4, "HTTP 403: signed in but not allowed"},
	{CodeMFARequired, 5, "AADSTS50076/50079: multi-factor authentication needed"},
	{CodeInteractionRequired, 5, "an interactive sign-in is needed: conditional access"},
	{CodeInvalidClient, 6, "bad secret or assertion, unknown client"},
	{CodeBadRequest, 7, "invalid scope, tenant or parameters, HTTP 400"},
	{CodeNotFound, 8, "HTTP 404, no such trace entry, no such module"},
	{CodeThrottled, 9, "HTTP 429 once retries are spent; AADSTS50196 (a loop of identical token requests)"},
	{CodeServerError, 10, "HTTP 5xx once retries are spent"},
	{CodeNetwork, 11, "no answer: DNS, connection, TLS"},
	{CodeTimeout, 12, "a deadline passed"},
	{CodeHTTPError, 1, "another non-2xx status (409, 412…)"},
	{CodeBadJSON, 13, "a body or string that is not valid JSON"},
	{CodeTooLarge, 14, "a response body above the cap (`AZREPL_MAX_BODY`, default 256 MiB)"},
	{CodePagingLoop, 15, "a paged listing repeats a link or token"},
	{CodeRefused, 16, "azrepl refused: credentials to http:// or another host, a file with secrets"},
	{CodeCancelled, 130, "Ctrl-C, as shells report SIGINT"},
}

var exitCodes = func() map[string]int {
	m := make(map[string]int, len(Codes))
	for _, c := range Codes {
		m[c.Code] = c.Exit
	}
	return m
}()

// ExitCodeFor is the exit status of `azrepl run` for an uncaught error with
// that code; 1 for codes outside the table.
func ExitCodeFor(code string) int {
	if n, ok := exitCodes[code]; ok {
		return n
	}
	return 1
}

// KnownCode reports whether code is in the table.
func KnownCode(code string) bool {
	_, ok := exitCodes[code]
	return ok
}

// CodeForStatus is the code of an HTTP status answered by a service, or ""
// when the status has no kind of its own.
func CodeForStatus(status int) string {
	switch {
	case status == 400:
		return CodeBadRequest
	case status == 401:
		return CodeUnauthenticated
	case status == 403:
		return CodeForbidden
	case status == 404:
		return CodeNotFound
	case status == 429:
		return CodeThrottled
	case status >= 500:
		return CodeServerError
	}
	return ""
}

// entraCodes maps the AADSTS codes people meet to a code. Keep it in step
// with auth's hints.
var entraCodes = map[int]string{
	65001: CodeConsentRequired, 65002: CodeConsentRequired,
	50076: CodeMFARequired, 50079: CodeMFARequired,
	53003: CodeInteractionRequired, 50158: CodeInteractionRequired, 50072: CodeInteractionRequired,
	7000215: CodeInvalidClient, 7000222: CodeInvalidClient, 700016: CodeInvalidClient,
	700027: CodeInvalidClient, 7000218: CodeInvalidClient, 700025: CodeInvalidClient,
	70000: CodeUnauthenticated, 70008: CodeUnauthenticated, 700082: CodeUnauthenticated,
	70043: CodeUnauthenticated, 50173: CodeUnauthenticated, 70020: CodeUnauthenticated,
	54005: CodeUnauthenticated, 50126: CodeUnauthenticated, 50034: CodeUnauthenticated,
	70011: CodeBadRequest, 28000: CodeBadRequest, 28002: CodeBadRequest, 90002: CodeBadRequest,
	500011: CodeBadRequest, 50020: CodeBadRequest, 90038: CodeBadRequest, 501481: CodeBadRequest,
	50196: CodeThrottled,
}

// CodeForEntra classifies an OAuth error of Entra ID (or Databricks' OIDC).
func CodeForEntra(e *auth.EntraError) string {
	if e.InteractionRequired {
		return CodeInteractionRequired
	}
	for _, c := range e.Codes {
		if code, ok := entraCodes[c]; ok {
			return code
		}
	}
	switch e.Err {
	case "consent_required":
		return CodeConsentRequired
	case "interaction_required", "login_required":
		return CodeInteractionRequired
	case "invalid_client", "unauthorized_client":
		return CodeInvalidClient
	case "invalid_grant", "expired_token", "authorization_declined", "access_denied":
		return CodeUnauthenticated
	case "invalid_scope", "invalid_request", "unsupported_grant_type", "invalid_resource":
		return CodeBadRequest
	}
	if c := CodeForStatus(e.HTTPStatus); c != "" {
		return c
	}
	return CodeBadRequest
}

// CodeForError classifies any Go error from auth or the network; "" when
// it has no kind of its own.
func CodeForError(err error) string {
	var ee *auth.EntraError
	var be *Error
	var ne net.Error
	var ue x509.UnknownAuthorityError
	var he x509.HostnameError
	var ce x509.CertificateInvalidError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &be) && be.Code != "":
		return be.Code
	case errors.As(err, &ee):
		return CodeForEntra(ee)
	case errors.Is(err, httpx.ErrBadURL):
		return CodeBadArgument
	case errors.Is(err, httpx.ErrRefused), errors.Is(err, auth.ErrRefused):
		return CodeRefused
	case errors.Is(err, httpx.ErrPagingLoop):
		return CodePagingLoop
	case errors.Is(err, httpx.ErrTooLarge):
		return CodeTooLarge
	case errors.Is(err, auth.ErrLoginNeeded):
		return CodeUnauthenticated
	case errors.Is(err, context.Canceled):
		return CodeCancelled
	case errors.Is(err, context.DeadlineExceeded):
		return CodeTimeout
	case errors.As(err, &ue), errors.As(err, &he), errors.As(err, &ce):
		return CodeNetwork
	case errors.As(err, &ne):
		if ne.Timeout() {
			return CodeTimeout
		}
		return CodeNetwork
	}
	return ""
}
