package bindings

import (
	"context"
	"crypto/x509"
	"errors"
	"net"

	"github.com/azrepl/azrepl/auth"
)

// The stable error codes of azrepl's JS errors (err.code) and the exit code
// of `azrepl run` when such an error is uncaught. This table is the one
// place that ties a kind of failure to an exit code; every binding (auth,
// http, graph, arm, databricks) uses ExitCodeFor.
//
//	code                  exit  meaning
//	(any other)              1  a failure with no better kind
//	                         2  command-line usage (the cmd package)
//	UNAUTHENTICATED          3  no login, expired or revoked refresh token, HTTP 401: log in (again)
//	CONSENT_REQUIRED         4  the app lacks consent for the scope (AADSTS65001, 65002)
//	FORBIDDEN                4  signed in but not allowed (HTTP 403)
//	MFA_REQUIRED             5  multi-factor authentication needed (AADSTS50076, 50079)
//	INTERACTION_REQUIRED     5  an interactive sign-in is needed (AADSTS53003, interaction_required)
//	INVALID_CLIENT           6  the app's id, secret or certificate is wrong (AADSTS7000215, 700016…)
//	BAD_REQUEST              7  the request is invalid: scope, tenant, parameters (AADSTS70011, 28000…)
//	NOT_FOUND                8  HTTP 404
//	THROTTLED                9  HTTP 429 after the retries
//	SERVER_ERROR            10  HTTP 5xx after the retries
//	NETWORK                 11  no answer: DNS, connection, TLS
//	TIMEOUT                 12  a deadline passed
//	CANCELLED              130  Ctrl-C, as shells report SIGINT
const (
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
	CodeCancelled           = "CANCELLED"
)

var exitCodes = map[string]int{
	CodeUnauthenticated:     3,
	CodeConsentRequired:     4,
	CodeForbidden:           4,
	CodeMFARequired:         5,
	CodeInteractionRequired: 5,
	CodeInvalidClient:       6,
	CodeBadRequest:          7,
	CodeNotFound:            8,
	CodeThrottled:           9,
	CodeServerError:         10,
	CodeNetwork:             11,
	CodeTimeout:             12,
	CodeCancelled:           130,
}

// ExitCodeFor is the exit code of `azrepl run` for an uncaught error with
// that code; 1 for codes outside the table.
func ExitCodeFor(code string) int {
	if n, ok := exitCodes[code]; ok {
		return n
	}
	return 1
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
}

// CodeForEntra classifies an OAuth error of Entra ID (or Databricks' OIDC).
func CodeForEntra(e *auth.EntraError) string {
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
