package auth

import (
	"cmp"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/azrepl/azrepl/errcode"
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

// Hint says in plain words what to do about the error, or "" (the rows of
// errcode's table).
func (e *EntraError) Hint() string {
	if e.Advice != "" {
		return e.Advice
	}
	for _, c := range e.Codes {
		if row, ok := errcode.AADSTS(c); ok && row.Hint != "" {
			return row.Hint
		}
	}
	row, _ := errcode.OAuthError(e.Err)
	if e.Err == "invalid_grant" && !strings.Contains(strings.ToLower(e.Description), "refresh token") {
		return ""
	}
	return row.Hint
}

// ErrorCode is the error's code in errcode's table: a claims challenge only
// a new login can satisfy, else its first AADSTS code in the table, its
// OAuth error, its HTTP status, else BAD_REQUEST.
func (e *EntraError) ErrorCode() string {
	if e.InteractionRequired {
		return errcode.InteractionRequired
	}
	for _, c := range e.Codes {
		if row, ok := errcode.AADSTS(c); ok {
			return row.Code
		}
	}
	if row, _ := errcode.OAuthError(e.Err); row.Code != "" {
		return row.Code
	}
	return cmp.Or(errcode.Status(e.HTTPStatus).Code, errcode.BadRequest)
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
var ErrLoginNeeded = errcode.Sentinel(errcode.Unauthenticated, "not signed in")

// ErrRefused marks a credential azrepl will not send: a secret or token to
// a plain http:// host, or to an endpoint off the host it belongs to.
var ErrRefused = errcode.Sentinel(errcode.Refused, "refused")

// ErrNoSuchAccount: logout (or another call) named an account that is not
// signed in; nothing failed to authenticate.
var ErrNoSuchAccount = errcode.Sentinel(errcode.NotFound, "no such account")
