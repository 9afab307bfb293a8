package httpx

import (
	"fmt"
	"html"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
)

// ServiceError is a non-2xx answer, read from the service's error envelope:
// Graph and ARM {"error":{"code","message"}}, Databricks {"error_code","message"},
// Entra and OAuth servers {"error","error_description"}.
type ServiceError struct {
	Status      int
	Code        string // the service's error code ("Authorization_RequestDenied", "invalid_grant", "RESOURCE_DOES_NOT_EXIST")
	Message     string
	Service     string // "graph", "arm", "databricks", "entra", "keyvault", "storage" or the host name
	RequestID   string
	Method, URL string // URL redacted
	ContentType string
	Body        []byte // the raw body of the answer (Do gives a redacted one)
	Attempts    int
	Claims      string // decoded claims challenge from WWW-Authenticate, if any
}

func (e *ServiceError) Error() string {
	var b strings.Builder
	if e.Service != "" {
		b.WriteString(e.Service + ": ")
	}
	fmt.Fprintf(&b, "%d", e.Status)
	if e.Code != "" && e.Code != strconv.Itoa(e.Status) { // Databricks' error_code may be the status again
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + firstLine(e.Message))
	}
	if e.Method != "" {
		fmt.Fprintf(&b, " (%s %s", e.Method, e.URL)
		if e.Attempts > 1 {
			fmt.Fprintf(&b, ", after %d attempts", e.Attempts)
		}
		b.WriteString(")")
	}
	return b.String()
}

// firstLine keeps the first line of a message (Entra's descriptions carry
// "\r\nTrace ID: …" lines) and bounds its length.
func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	s = EscapeControls(s)
	if len(s) > 300 {
		s, _ = cut(s, 300)
		s += "…"
	}
	return s
}

// ParseServiceError reads the error envelope of an answer. It never fails:
// a body that is not JSON (an HTML page from a proxy, a cut body) gives a
// message naming the status and content type.
func ParseServiceError(status int, header http.Header, body []byte, rawURL string) *ServiceError {
	e := &ServiceError{Status: status, Service: serviceOf(rawURL), Body: body}
	if header != nil {
		e.ContentType = header.Get("Content-Type")
		e.RequestID = firstHeader(header, "Request-Id", "X-Ms-Request-Id", "X-Request-Id", "X-Databricks-Request-Id", "Client-Request-Id")
		if ch, ok := parseClaimsChallenge(header.Values("Www-Authenticate")); ok {
			e.Claims = ch
		}
	}
	trimmed := strings.TrimSpace(string(body))
	if trimmed == "" {
		e.Message = fmt.Sprintf("%s (empty body)", statusText(status))
		return e
	}
	if !gjson.Valid(trimmed) || !strings.HasPrefix(trimmed, "{") {
		if claim := incorrectClaim(trimmed); claim != "" {
			// Azure Databricks' Jetty page for an Entra token with the wrong aud or iss.
			e.Code, e.Message = IncorrectClaimCode, claim
			if e.Service == "" || e.Service == hostOf(rawURL) {
				e.Service = "databricks"
			}
			return e
		}
		e.Message = notJSONMessage(status, e.ContentType, body)
		return e
	}
	j := gjson.Parse(trimmed)
	switch errv := j.Get("error"); {
	case errv.IsObject(): // Graph, ARM, Key Vault
		e.Code = errv.Get("code").String()
		e.Message = errv.Get("message").String()
		if inner := errv.Get("innerError.code"); e.Code == "" && inner.Exists() {
			e.Code = inner.String()
		}
		if e.RequestID == "" {
			e.RequestID = firstJSON(errv, "innerError.request-id", "innererror.request-id")
		}
	case j.Get("error_code").Exists(): // Databricks; the code may be a number
		e.Code = j.Get("error_code").String()
		e.Message = j.Get("message").String()
		if e.Service == "" || e.Service == hostOf(rawURL) {
			e.Service = "databricks"
		}
	case errv.Type == gjson.String: // Entra / OAuth 2.0 (RFC 6749 §5.2), Databricks API 1.2
		e.Code = errv.String()
		e.Message = j.Get("error_description").String()
		if e.RequestID == "" {
			e.RequestID = firstJSON(j, "trace_id", "correlation_id")
		}
	case j.Get("detail").Exists(): // SCIM
		e.Code = "SCIM_" + j.Get("status").String()
		e.Message = j.Get("detail").String()
	default:
		e.Message = firstJSON(j, "message", "Message", "error_description")
		if e.Message == "" {
			e.Message = fmt.Sprintf("%s (JSON without an error envelope)", statusText(status))
		}
	}
	if e.Message == "" {
		e.Message = statusText(status)
	}
	return e
}

func statusText(status int) string {
	if t := http.StatusText(status); t != "" {
		return fmt.Sprintf("HTTP %d %s", status, t)
	}
	return fmt.Sprintf("HTTP %d", status)
}

var titleRE = newLazyRE(`(?is)<title[^>]*>(.*?)</title>`)

// IncorrectClaimCode is the Code of Azure Databricks' HTML 400 for an Entra
// token whose aud or iss is not the workspace's: its message is the
// exception's text, "Expected aud claim to be: …, but was: …".
const IncorrectClaimCode = "IncorrectClaimException"

var incorrectClaimRE = newLazyRE(`io\.jsonwebtoken\.IncorrectClaimException: (Expected [a-z]+ claim to be: [^<\r\n]*)`)

func incorrectClaim(body string) string {
	if m := incorrectClaimRE.FindStringSubmatch(body[:min(len(body), 4096)]); m != nil {
		return html.UnescapeString(strings.TrimSpace(m[1]))
	}
	return ""
}

func notJSONMessage(status int, contentType string, body []byte) string {
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt == "" {
		mt = "no content type"
	}
	s := string(body)
	switch {
	case strings.Contains(mt, "json") || strings.HasPrefix(strings.TrimSpace(s), "{"):
		return fmt.Sprintf("%s: %s body of %d bytes is not valid JSON (cut short?)", statusText(status), mt, len(body))
	case strings.Contains(mt, "html") || strings.Contains(strings.ToLower(s[:min(len(s), 512)]), "<html"):
		msg := fmt.Sprintf("%s: an HTML page (%s, %d bytes), not the service's JSON: a proxy or gateway answered?", statusText(status), mt, len(body))
		if m := titleRE.FindStringSubmatch(s); m != nil {
			msg += fmt.Sprintf(" Title: %q", firstLine(m[1]))
		}
		return msg
	}
	return fmt.Sprintf("%s: %s body: %s", statusText(status), mt, firstLine(s))
}

func firstHeader(h http.Header, names ...string) string {
	for _, n := range names {
		if v := h.Get(n); v != "" {
			return v
		}
	}
	return ""
}

func firstJSON(j gjson.Result, paths ...string) string {
	for _, p := range paths {
		if v := j.Get(p); v.Exists() && v.String() != "" {
			return v.String()
		}
	}
	return ""
}

// serviceOf names the service of a URL for error messages.
func serviceOf(rawURL string) string {
	scope, ok := ScopeFor(rawURL)
	return serviceFor(rawURL, scope, ok)
}

// serviceFor names the service from the scope a URL's token is for, so that
// hosts mapped with SetScope (an emulator's address) are named too.
func serviceFor(rawURL, scope string, ok bool) string {
	host := hostOf(rawURL)
	switch {
	case host == "":
		return ""
	case ok && isGraphScope(scope):
		return "graph"
	case ok && strings.HasPrefix(scope, "https://management."):
		return "arm"
	case ok && strings.HasPrefix(scope, DatabricksResource):
		return "databricks"
	case ok && strings.Contains(scope, "vault"):
		return "keyvault"
	case ok && strings.Contains(scope, "storage"):
		return "storage"
	case strings.HasPrefix(host, "login.") || strings.Contains(host, "microsoftonline"):
		return "entra"
	}
	return host
}
