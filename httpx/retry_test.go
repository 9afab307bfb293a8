package httpx

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestRetryAfterSeconds(t *testing.T) {
	var n atomic.Int32
	srv, c, _ := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= 2 {
			w.Header().Set("Retry-After", "2.5")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"error":{"code":"TooManyRequests","message":"Please retry again later."}}`))
			return
		}
		_, _ = w.Write([]byte(`{"ok":true}`))
	}), Options{})
	w := recordWaits(c)
	resp, err := c.Do(context.Background(), &Request{URL: srv.URL + "/x"})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 200 || resp.Attempts != 3 || n.Load() != 3 {
		t.Fatalf("status %d attempts %d served %d", resp.Status, resp.Attempts, n.Load())
	}
	got := w.all()
	if len(got) != 2 || got[0] != 2500*time.Millisecond || got[1] != 2500*time.Millisecond {
		t.Fatalf("waits %v, want two of 2.5s", got)
	}
}

func TestRetryAfterDate(t *testing.T) {
	var n atomic.Int32
	srv, c, _ := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", time.Now().Add(3*time.Second).UTC().Format(http.TimeFormat))
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte(`{}`))
	}), Options{})
	w := recordWaits(c)
	resp, err := c.Do(context.Background(), &Request{URL: srv.URL})
	if err != nil || resp.Status != 200 {
		t.Fatal(resp, err)
	}
	got := w.all()
	// An HTTP date has whole seconds: the wait is in (2s, 3s].
	if len(got) != 1 || got[0] <= 1*time.Second || got[0] > 3*time.Second {
		t.Fatalf("waits %v, want one between 2s and 3s", got)
	}
}

func TestGiveUpNamesCause(t *testing.T) {
	var n atomic.Int32
	srv, c, _ := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		resetConn(w)
	}), Options{})
	w := recordWaits(c)
	_, err := c.Do(context.Background(), &Request{URL: srv.URL + "/groups?code=abcdefgh"})
	var te *TransportError
	if !errors.As(err, &te) {
		t.Fatalf("want *TransportError, got %v", err)
	}
	msg := err.Error()
	if n.Load() != 5 || te.Attempts != 5 || !strings.HasSuffix(msg, "after 5 attempts") {
		t.Fatalf("served %d; %q", n.Load(), msg)
	}
	if !strings.Contains(msg, "connection reset by peer") && !strings.Contains(msg, "EOF") {
		t.Fatalf("cause not named: %q", msg)
	}
	t.Log(msg)
	if strings.Contains(msg, "abcdefgh") {
		t.Fatalf("code leaked in error: %q", msg)
	}
	if len(w.all()) != 4 {
		t.Fatalf("waits %v", w.all())
	}
}

func TestPostNotRetried(t *testing.T) {
	var n atomic.Int32
	srv, c, _ := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if r.URL.Path == "/reset" {
			resetConn(w)
			return
		}
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusServiceUnavailable)
	}), Options{})
	recordWaits(c)
	resp, err := c.Do(context.Background(), &Request{Method: "POST", URL: srv.URL, Body: []byte(`{}`)})
	if err != nil || resp.Status != 503 || resp.Attempts != 1 || n.Load() != 1 {
		t.Fatalf("resp %+v err %v served %d", resp, err, n.Load())
	}
	n.Store(0)
	if _, err := c.Do(context.Background(), &Request{Method: "POST", URL: srv.URL + "/reset", Body: []byte(`{}`)}); err == nil || n.Load() != 1 {
		t.Fatalf("reset POST: err %v served %d", err, n.Load())
	}
	// The request may say it is safe to repeat.
	n.Store(0)
	yes := true
	resp, _ = c.Do(context.Background(), &Request{Method: "POST", URL: srv.URL, Body: []byte(`{}`), Idempotent: &yes})
	if resp.Attempts != 5 || n.Load() != 5 {
		t.Fatalf("idempotent POST: attempts %d served %d", resp.Attempts, n.Load())
	}
}

func TestResetAndTruncatedRetriedForGET(t *testing.T) {
	for _, fault := range []string{"reset", "truncate"} {
		t.Run(fault, func(t *testing.T) {
			var n atomic.Int32
			srv, c, _ := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if n.Add(1) == 1 {
					if fault == "reset" {
						resetConn(w)
					} else {
						truncate(w)
					}
					return
				}
				_, _ = w.Write([]byte(`{"value":[1,2,3]}`))
			}), Options{})
			recordWaits(c)
			resp, err := c.Do(context.Background(), &Request{URL: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			if string(resp.Body) != `{"value":[1,2,3]}` || resp.Attempts != 2 {
				t.Fatalf("body %q attempts %d", resp.Body, resp.Attempts)
			}
			tr := c.Trace()
			if len(tr) != 2 || tr[0].Attempt != 1 || tr[1].Attempt != 2 || tr[1].Index != resp.TraceIndex {
				t.Fatalf("trace %+v", tr)
			}
			if fault == "truncate" && (tr[0].Err == "" || tr[0].Status != 200) {
				t.Fatalf("truncated exchange not marked: %+v", tr[0])
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"2", 2 * time.Second, true},
		{" 2.128 ", 2128 * time.Millisecond, true},
		{"0", 0, true},
		{"-1", 0, false},
		{"NaN", 0, false},
		{"", 0, false},
		{"soon", 0, false},
		{"Fri, 02 Jan 2026 03:04:15 GMT", 10 * time.Second, true},
		{"Fri, 02 Jan 2026 03:00:00 GMT", 0, true},
	}
	for _, tc := range cases {
		got, ok := ParseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseRetryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"1", "2.5", "1e400", "-0", "Wed, 21 Oct 2015 07:28:00 GMT", "Inf", "0x10"} {
		f.Add(s)
	}
	now := time.Now()
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := ParseRetryAfter(s, now)
		if d < 0 || (!ok && d != 0) {
			t.Fatalf("ParseRetryAfter(%q) = %v, %v", s, d, ok)
		}
	})
}

func TestClaimsChallengeRedeemedOnce(t *testing.T) {
	var n atomic.Int32
	srv, c, _ := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if r.Header.Get("Authorization") == "Bearer with-claims" {
			_, _ = w.Write([]byte(`{}`))
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZSwgInZhbHVlIjoiMTYwNDEwNjY1MSJ9fX0="`)
		w.WriteHeader(http.StatusUnauthorized)
	}), Options{})
	if err := c.SetScope("127.0.0.1", "https://graph.microsoft.com/.default"); err != nil {
		t.Fatal(err)
	}
	c.SetTokenSource(func(ctx context.Context, scope string) (string, error) { return "plain", nil })
	var gotClaims []string
	c.SetClaimsTokenSource(func(ctx context.Context, scope, claims string) (string, error) {
		gotClaims = append(gotClaims, claims)
		return "with-claims", nil
	})
	resp, err := c.Do(context.Background(), &Request{Method: "POST", URL: srv.URL + "/v1.0/me/sendMail", Body: []byte(`{}`)})
	if err != nil || resp.Status != 200 || n.Load() != 2 {
		t.Fatalf("resp %v err %v served %d", resp, err, n.Load())
	}
	if len(gotClaims) != 1 || gotClaims[0] != `{"access_token":{"nbf":{"essential":true, "value":"1604106651"}}}` {
		t.Fatalf("claims %q", gotClaims)
	}
	// A second challenge after the redeemed one is returned, not looped on.
	c.SetClaimsTokenSource(func(ctx context.Context, scope, claims string) (string, error) { return "still-plain", nil })
	n.Store(0)
	resp, _ = c.Do(context.Background(), &Request{URL: srv.URL + "/v1.0/me"})
	if resp.Status != 401 || n.Load() != 2 {
		t.Fatalf("status %d served %d", resp.Status, n.Load())
	}
	if se := new(ServiceError); !errors.As(resp.Err(), &se) || se.Claims == "" {
		t.Fatalf("claims not on the error: %v", resp.Err())
	}
}
