package httpx

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// RetryPolicy bounds retries of 429, 503 and broken connections.
type RetryPolicy struct {
	MaxAttempts   int           // attempts in all, first included (default 5)
	BaseDelay     time.Duration // first backoff when no Retry-After (default 500ms)
	MaxDelay      time.Duration // cap of the exponential backoff (default 30s)
	MaxRetryAfter time.Duration // a longer Retry-After is not waited for: the answer is returned (default 5m)
}

// DefaultRetry is the policy used for zero fields of Options.Retry.
var DefaultRetry = RetryPolicy{MaxAttempts: 5, BaseDelay: 500 * time.Millisecond, MaxDelay: 30 * time.Second, MaxRetryAfter: 5 * time.Minute}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = DefaultRetry.MaxAttempts
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = DefaultRetry.BaseDelay
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = DefaultRetry.MaxDelay
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = DefaultRetry.MaxRetryAfter
	}
	return p
}

// backoff is capped exponential backoff with jitter in [d/2, d], so that many
// throttled requests of one batch do not come back at the same instant.
func (p RetryPolicy) backoff(attempt int) time.Duration {
	d := p.BaseDelay << min(attempt-1, 20)
	if d > p.MaxDelay || d <= 0 {
		d = p.MaxDelay
	}
	return d/2 + rand.N(d/2+1)
}

// RetryEvent tells an observer that Do is about to wait and retry.
type RetryEvent struct {
	Method, URL string // URL redacted
	Attempt     int    // the attempt that failed
	Status      int    // 0 for a transport error
	Reason      string // "429 Too Many Requests", "connection reset by peer", …
	Wait        time.Duration
}

// ParseRetryAfter reads a Retry-After value: delay seconds (Graph sends
// fractions such as "2.128") or an HTTP date. ok is false when absent or
// unreadable; a date in the past gives 0.
func ParseRetryAfter(v string, now time.Time) (d time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs != secs || secs < 0 { // NaN or negative
			return 0, false
		}
		if secs > 1e6 { // beyond any sane wait; also keeps the conversion in range
			secs = 1e6
		}
		return time.Duration(secs * float64(time.Second)), true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	if d := t.Sub(now); d > 0 {
		return d, true
	}
	return 0, true
}

// retryableStatus: throttling and "try again" answers.
func retryableStatus(code int) bool {
	return code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable ||
		code == http.StatusGatewayTimeout
}

// idempotentMethod per RFC 9110 §9.2.2.
func idempotentMethod(m string) bool {
	switch strings.ToUpper(m) {
	case "", http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// retryableError: the connection broke (reset, closed, truncated body,
// timeout). Certificate errors, DNS failures and cancellations are final.
func retryableError(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNABORTED) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	// HTTP/2 stream resets and "server closed idle connection" are not typed.
	s := err.Error()
	return strings.Contains(s, "connection reset") || strings.Contains(s, "broken pipe") ||
		strings.Contains(s, "server closed") || strings.Contains(s, "stream error") ||
		strings.Contains(s, "GOAWAY")
}

// causeText names a transport failure in a few words.
func causeText(err error) string {
	switch {
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset by peer"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "body cut short (unexpected EOF)"
	case errors.Is(err, io.EOF):
		return "connection closed by server (EOF)"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timeout"
	}
	return err.Error()
}
