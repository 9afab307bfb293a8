package httpx

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/azrepl/azrepl/errcode"
)

// ErrRefused marks a request azrepl will not send because it would carry
// credentials where they do not belong: a token over plain http, a paging
// link or redirect to another host or scheme.
var ErrRefused = errcode.Sentinel(errcode.Refused, "refused")

// refused is an ErrRefused error with its reason.
func refused(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrRefused, fmt.Sprintf(format, a...))
}

// ErrTooLarge is a response body above the client's cap (Options.MaxBody).
var ErrTooLarge = errcode.Sentinel(errcode.TooLarge, "response too large")

func tooLarge(size, limit int64) error {
	if size > 0 {
		return fmt.Errorf("%w: %d bytes announced, the cap is %d (AZREPL_MAX_BODY)", ErrTooLarge, size, limit)
	}
	return fmt.Errorf("%w: more than %d bytes, the cap (AZREPL_MAX_BODY)", ErrTooLarge, limit)
}

// secretHeaderName matches header names that carry credentials beyond the
// known list: "X-My-Api-Key", "X-Custom-Token", "X-Client-Secret"…
var secretHeaderName = newLazyRE(`(?i)(auth|key|token|secret|passw|signature|credential|cookie|session|identity|assertion|bearer|jwt|principal|passcode)`)

// crossOriginHeaders are the only request headers a redirect to another
// origin keeps: content negotiation, caching and request ids. Any other
// header may be a credential under a name no rule knows (X-Sas, X-Pat…),
// and Referer would hand over the first URL's sig= or code=.
var crossOriginHeaders = map[string]bool{
	"Accept": true, "Accept-Charset": true, "Accept-Encoding": true, "Accept-Language": true, "Content-Type": true,
	"User-Agent": true, "Cache-Control": true, "Pragma": true, "If-Match": true, "If-None-Match": true,
	"If-Modified-Since": true, "If-Unmodified-Since": true, "Range": true, "Prefer": true, "Consistencylevel": true,
	"Client-Request-Id": true, "Return-Client-Request-Id": true, "X-Ms-Client-Request-Id": true,
	"X-Ms-Return-Client-Request-Id": true, "Traceparent": true, "Tracestate": true, "X-Ms-Version": true,
}

// IsCredentialHeader reports whether a header carries credentials: it is
// masked in traces and dropped when a redirect leaves the origin.
func IsCredentialHeader(name string) bool {
	ck := http.CanonicalHeaderKey(name)
	if ck == "Www-Authenticate" || ck == "Authentication-Info" {
		return false // challenges and their claims: what a reader needs, no credential
	}
	return ck == "Authorization" || ck == "Cookie" || secretHeaders[ck] || secretHeaderName.MatchString(ck)
}

// sameOrigin: scheme, host and port equal (credentials of one never go to another).
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Host, b.Host)
}

// checkRedirect is the redirect policy of Do: at most 10 hops; never from
// https to http; a hop that leaves the first request's origin carries no
// body, no Referer and only the headers of crossOriginHeaders.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	first := via[0]
	if first.URL.Scheme == "https" && req.URL.Scheme != "https" {
		return refused("a redirect from https to %s", req.URL.Scheme)
	}
	if !sameOrigin(first.URL, req.URL) {
		for k := range req.Header {
			if IsCredentialHeader(k) || !crossOriginHeaders[http.CanonicalHeaderKey(k)] {
				req.Header.Del(k)
			}
		}
		if req.Body != nil && req.Body != http.NoBody {
			return http.ErrUseLastResponse // a 307/308 would resend the body elsewhere
		}
	}
	return nil
}

// noRedirect is the policy of the client auth uses: token and device-code
// requests carry secrets in their bodies, and a 307 would resend them to
// wherever it points.
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// EscapeControls shows the control characters of text from a server (an
// escape sequence in an error message, a body, a user code) as \xHH instead
// of letting them reach the terminal; newlines and tabs stay.
func EscapeControls(s string) string {
	if strings.IndexFunc(s, isControl) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if isControl(r) {
			fmt.Fprintf(&b, "\\x%02x", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isControl(r rune) bool {
	return r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || r >= 0x80 && r < 0xa0
}
