package httpx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/azrepl/azrepl/errcode"
)

// Request is one call. Body is bytes (not a reader) so that retries can
// send it again.
type Request struct {
	Method      string // default GET
	URL         string // absolute
	Header      http.Header
	Query       url.Values // added to the URL's own query (replacing same-named parameters)
	Body        []byte
	ContentType string        // default application/json when Body is set
	Scope       string        // overrides the scope chosen from the URL's host
	NoAuth      bool          // send no Authorization header
	Timeout     time.Duration // bounds the whole call, retries included; 0 = none
	Idempotent  *bool         // override: may a failed attempt be sent again? nil = by method
	MaxAttempts int           // 0 = the client's policy
}

// Response is a complete answer: the body has been read.
type Response struct {
	Status     int
	Proto      string // "HTTP/1.1", "HTTP/2.0"
	Header     http.Header
	Body       []byte
	Method     string
	URL        string // the final URL (after redirects), redacted
	Duration   time.Duration
	Attempts   int
	TraceIndex int // Exchange.Index of the last attempt
	Exchange   *Exchange

	service string // for errors: "graph", "arm"… from the scope
}

// OK reports a 2xx status.
func (r *Response) OK() bool { return r.Status >= 200 && r.Status <= 299 }

// Err returns nil for a 2xx answer and a *ServiceError otherwise.
func (r *Response) Err() error {
	if r.OK() {
		return nil
	}
	e := ParseServiceError(r.Status, r.Header, r.Body, r.URL)
	e.Method, e.URL, e.Attempts = r.Method, r.URL, r.Attempts
	if r.service != "" && e.Service != "databricks" {
		e.Service = r.service
	}
	if r.Exchange != nil {
		e.Body = []byte(r.Exchange.RespBody)
	}
	return e
}

// serviceOf names the service an answer came from for its errors: by the
// URL's own audience, so that a scope overridden with Request.Scope (a
// Graph call sent an ARM token) still names the service that answered.
func (c *Client) serviceOf(target, scope string) string {
	if own, ok := c.scopes.lookup(target); ok {
		return serviceFor(target, own, true)
	}
	return serviceFor(target, scope, scope != "")
}

// Curl returns a curl command reproducing the last attempt.
func (r *Response) Curl() string {
	if r.Exchange == nil {
		return ""
	}
	return r.Exchange.Curl()
}

// RedactedHeader is the answer's header masked as the trace shows it (also
// the secrets the client learned), or by the fixed rules when the exchange
// went untraced.
func (r *Response) RedactedHeader() http.Header {
	if r.Exchange != nil && r.Exchange.RespHeader != nil {
		return r.Exchange.RespHeader
	}
	return (&redactor{}).header(r.Header)
}

// TransportError is a call that got no complete answer.
type TransportError struct {
	Method, URL string // URL redacted
	Attempts    int
	Err         error
}

func (e *TransportError) Error() string {
	s := fmt.Sprintf("%s %s: %s", e.Method, e.URL, causeText(e.Err))
	if e.Attempts > 1 {
		s += fmt.Sprintf(" after %d attempts", e.Attempts)
	}
	return s
}

func (e *TransportError) Unwrap() error { return e.Err }

// Do sends the request with a bearer token for its audience, retries what is
// safe to retry, and returns the complete answer. Any HTTP status is a
// Response (see Response.Err); the error is for calls that got no answer.
func (c *Client) Do(ctx context.Context, r *Request) (*Response, error) {
	if r.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.Timeout)
		defer cancel()
	}
	method := strings.ToUpper(r.Method)
	if method == "" {
		method = http.MethodGet
	}
	target, err := buildURL(r.URL, r.Query)
	if err != nil {
		return nil, err
	}
	safeURL := c.red.url(target)
	idempotent := idempotentMethod(method)
	if r.Idempotent != nil {
		idempotent = *r.Idempotent
	}
	maxAttempts := c.retry.MaxAttempts
	if r.MaxAttempts > 0 {
		maxAttempts = r.MaxAttempts
	}

	scope := r.Scope
	if scope == "" {
		scope, _ = c.scopes.lookup(target)
	}
	c.mu.RLock()
	tokens, claimsSource := c.tokens, c.claims
	c.mu.RUnlock()
	useToken := !r.NoAuth && r.Header.Get("Authorization") == "" && scope != "" && tokens != nil
	if useToken && !strings.HasPrefix(strings.ToLower(target), "https://") {
		return nil, refused("a token for %s goes over https only, not to %s (opts.auth = false sends none)", scope, safeURL)
	}
	claimsTried := false
	var claimsToken string

	start := time.Now()
	for attempt := 1; ; attempt++ {
		req, err := http.NewRequestWithContext(withSlot(ctx, &traceSlot{attempt: attempt}), method, target, bytes.NewReader(r.Body))
		if err != nil {
			return nil, err
		}
		if r.Body == nil {
			req.Body, req.GetBody, req.ContentLength = http.NoBody, nil, 0
		}
		for k, vs := range r.Header {
			req.Header[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
		}
		if len(r.Body) > 0 && req.Header.Get("Content-Type") == "" {
			ct := r.ContentType
			if ct == "" {
				ct = "application/json"
			}
			req.Header.Set("Content-Type", ct)
		}
		if c.needsEventual(target, scope) && req.Header.Get("ConsistencyLevel") == "" {
			req.Header.Set("ConsistencyLevel", "eventual")
		}
		if useToken {
			tok := claimsToken
			if tok == "" {
				if tok, err = tokens(ctx, scope); err != nil {
					return nil, fmt.Errorf("token for %s: %w", scope, err)
				}
			}
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		slot := req.Context().Value(traceSlotKey{}).(*traceSlot)

		resp, body, err := c.roundTrip(req)
		if err != nil {
			if ctx.Err() != nil {
				return nil, &TransportError{Method: method, URL: safeURL, Attempts: attempt, Err: ctx.Err()}
			}
			if !idempotent || !retryableError(err) || attempt >= maxAttempts {
				return nil, &TransportError{Method: method, URL: safeURL, Attempts: attempt, Err: err}
			}
			if err := c.wait(ctx, RetryEvent{Method: method, URL: safeURL, Attempt: attempt, Reason: causeText(err), Wait: c.retry.backoff(attempt)}); err != nil {
				return nil, &TransportError{Method: method, URL: safeURL, Attempts: attempt, Err: err}
			}
			continue
		}
		out := &Response{
			Status: resp.StatusCode, Proto: resp.Proto, Header: resp.Header, Body: body, Method: method,
			URL: c.red.url(resp.Request.URL.String()), Duration: time.Since(start), Attempts: attempt,
			service: c.serviceOf(target, scope),
		}
		slot.mu.Lock()
		if slot.ex != nil {
			out.Exchange, out.TraceIndex = slot.ex, slot.ex.Index
		}
		slot.mu.Unlock()

		// A claims challenge (Conditional Access, CAE) is redeemed once; the
		// request was refused before it did anything, so any method may be resent.
		if (resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden) &&
			useToken && claimsSource != nil && !claimsTried && attempt < maxAttempts {
			if claims, ok := parseClaimsChallenge(resp.Header.Values("Www-Authenticate")); ok {
				claimsTried = true
				tok, err := claimsSource(ctx, scope, claims)
				if err != nil {
					return out, fmt.Errorf("claims challenge for %s: %w", scope, err)
				}
				claimsToken = tok
				continue
			}
		}
		if !retryableStatus(resp.StatusCode) || !idempotent || attempt >= maxAttempts {
			return out, nil
		}
		wait, given := ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		if !given {
			wait = c.retry.backoff(attempt)
		} else if wait > c.retry.MaxRetryAfter {
			return out, nil // the caller decides whether to wait that long
		}
		ev := RetryEvent{Method: method, URL: safeURL, Attempt: attempt, Status: resp.StatusCode,
			Reason: fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode)), Wait: wait}
		if err := c.wait(ctx, ev); err != nil {
			return out, nil
		}
	}
}

// roundTrip sends one attempt and reads the whole body, so a body cut short
// counts as a failed attempt.
func (c *Client) roundTrip(req *http.Request) (*http.Response, []byte, error) {
	resp, err := c.hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is said once, redacted, by TransportError
		}
		return nil, nil, err
	}
	defer resp.Body.Close()
	if resp.ContentLength > c.maxBody {
		return nil, nil, tooLarge(resp.ContentLength, c.maxBody)
	}
	reuse, _ := req.Context().Value(bodyBufferKey{}).([]byte)
	body, err := readBody(io.LimitReader(resp.Body, c.maxBody+1), resp.ContentLength, reuse)
	if err != nil {
		return nil, nil, err
	}
	if int64(len(body)) > c.maxBody {
		return nil, nil, tooLarge(-1, c.maxBody)
	}
	return resp, body, nil
}

// bodyBufferKey marks a context whose request may read its response body
// into the []byte it holds (Pager's spare page): a fresh 600 KB buffer per
// Graph page was most of graph.all's remaining copy and page-fault time.
type bodyBufferKey struct{}

// readBody is io.ReadAll into reuse (when given) or a buffer sized from
// Content-Length when the server sent one, else doubled from 32 KiB:
// io.ReadAll's growth from 512 bytes by a quarter at a time allocated,
// copied and cleared ~5 MB per 600 KB page.
func readBody(r io.Reader, size int64, reuse []byte) ([]byte, error) {
	c := 32 << 10
	if size > 0 && size < 64<<20 {
		c = int(size) + 1 // +1: EOF is seen without growing
	}
	b := reuse[:0]
	if cap(b) < c {
		b = make([]byte, 0, c)
	}
	for {
		if len(b) == cap(b) {
			b = append(make([]byte, 0, 2*cap(b)), b...)
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

func (c *Client) wait(ctx context.Context, ev RetryEvent) error {
	if c.onRetry != nil {
		c.onRetry(ev)
	}
	return c.sleep(ctx, ev.Wait)
}

// ErrBadURL is a URL that cannot be sent: malformed, relative or without a host.
var ErrBadURL = errcode.Sentinel(errcode.BadArgument, "bad URL")

func buildURL(raw string, q url.Values) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // a *url.Error is a net.Error: it would read as a network failure
		}
		return "", fmt.Errorf("%w: %v", ErrBadURL, err)
	}
	if !u.IsAbs() || u.Host == "" {
		return "", fmt.Errorf("%w %q: want an absolute https:// URL", ErrBadURL, raw)
	}
	if len(q) == 0 {
		return raw, nil
	}
	cur := u.Query()
	for k, vs := range q {
		cur[k] = vs
	}
	// Keep $-parameters readable: Graph accepts both, and so do people.
	u.RawQuery = strings.ReplaceAll(cur.Encode(), "%24", "$")
	return u.String(), nil
}

// needsEventual: Graph's advanced queries ($count, $search) need
// ConsistencyLevel: eventual; nextLinks do not carry the header over.
func (c *Client) needsEventual(target, scope string) bool {
	if !isGraphScope(scope) {
		if s, ok := c.scopes.lookup(target); !ok || !isGraphScope(s) {
			return false
		}
	}
	u, err := url.Parse(target)
	if err != nil {
		return false
	}
	if strings.Contains(u.Path, "/$count") {
		return true
	}
	q := u.Query()
	return q.Has("$count") || q.Has("$search")
}
