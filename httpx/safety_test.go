package httpx

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

func onlyHTTPSTo(host string) func(seenReq) bool {
	return func(r seenReq) bool { return r.Scheme == "https" && r.Host == host }
}

// A token goes over https only: http://graph.microsoft.com, with the host's
// scope or an explicit one, is refused before anything is sent.
func TestTokenNeverOverPlainHTTP(t *testing.T) {
	hs := newHostile(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(`{}`)) })
	c := hs.client()
	for _, r := range []*Request{
		{URL: "http://graph.microsoft.com/v1.0/me"},
		{URL: "http://api.example.com/x", Scope: "api://x/.default"},
	} {
		_, err := c.Do(context.Background(), r)
		if !errors.Is(err, ErrRefused) {
			t.Errorf("%s: err = %v, want refused", r.URL, err)
		}
	}
	// Without a token the call goes out.
	if _, err := c.Do(context.Background(), &Request{URL: "http://graph.microsoft.com/v1.0/me", NoAuth: true}); err != nil {
		t.Fatal(err)
	}
	if l := hs.leaked(func(seenReq) bool { return false }); len(l) > 0 {
		t.Fatalf("credentials over http: %v", l)
	}
}

// Redirects: never from https to http (same host included), and a hop to
// another host carries no Authorization, no custom secret header, no body.
func TestRedirectsKeepCredentialsHome(t *testing.T) {
	hs := newHostile(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Host == "graph.microsoft.com" && r.URL.Path == "/v1.0/down":
			http.Redirect(w, r, "http://graph.microsoft.com/v1.0/plain", http.StatusFound)
		case r.Host == "graph.microsoft.com" && r.URL.Path == "/v1.0/away":
			http.Redirect(w, r, "https://evil.example.net/collect", http.StatusFound)
		case r.Host == "graph.microsoft.com" && r.URL.Path == "/v1.0/post":
			http.Redirect(w, r, "https://evil.example.net/collect", http.StatusTemporaryRedirect)
		default:
			_, _ = w.Write([]byte(`{}`))
		}
	})
	c := hs.client()
	ctx := context.Background()
	if _, err := c.Do(ctx, &Request{URL: "https://graph.microsoft.com/v1.0/down"}); !errors.Is(err, ErrRefused) {
		t.Errorf("https → http redirect: err = %v, want refused", err)
	}
	hdr := http.Header{"X-Custom-Api-Key": {"SECRET-KEY"}, "Ocp-Apim-Subscription-Key": {"SECRET-SUB"}}
	if _, err := c.Do(ctx, &Request{URL: "https://graph.microsoft.com/v1.0/away", Header: hdr}); err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(ctx, &Request{Method: "POST", URL: "https://graph.microsoft.com/v1.0/post", Body: []byte(`{"password":"SECRET-PW"}`)})
	if err != nil || resp.Status != http.StatusTemporaryRedirect {
		t.Fatalf("a 307 to another host with a body: %v %v, want the 307 itself", resp, err)
	}
	if l := hs.leaked(onlyHTTPSTo("graph.microsoft.com")); len(l) > 0 {
		t.Fatalf("credentials left graph.microsoft.com: %v", l)
	}
}

// The client auth uses never follows a redirect: a 307 from a token
// endpoint would resend client_secret to wherever it points.
func TestAuthClientDoesNotFollowRedirects(t *testing.T) {
	hs := newHostile(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Host == "login.microsoftonline.com" {
			http.Redirect(w, r, "https://evil.example.net/token", http.StatusTemporaryRedirect)
			return
		}
		_, _ = w.Write([]byte(`{"access_token":"x"}`))
	})
	hc := hs.client().HTTPClient()
	form := url.Values{"grant_type": {"client_credentials"}, "client_secret": {"SECRET-CS"}}
	resp, err := hc.Post("https://login.microsoftonline.com/t/oauth2/v2.0/token", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTemporaryRedirect {
		t.Fatalf("status %d: the redirect was followed", resp.StatusCode)
	}
	if l := hs.leaked(onlyHTTPSTo("login.microsoftonline.com")); len(l) > 0 {
		t.Fatalf("the secret left the token endpoint: %v", l)
	}
}

// Paging: a next link to another host or scheme is not followed, whatever
// gave the credentials (the host's scope, an explicit scope, an
// Authorization header); the walk stops with a refusal.
func TestPagingKeepsCredentialsOnTheFirstHost(t *testing.T) {
	for _, next := range []string{"https://evil.example.net/v1.0/groups?$skiptoken=2", "http://graph.microsoft.com/v1.0/groups?$skiptoken=2",
		"https://graph.microsoft.com:8443/v1.0/groups?$skiptoken=2"} {
		hs := newHostile(t, func(w http.ResponseWriter, r *http.Request) {
			if r.Host == "graph.microsoft.com" && r.URL.Query().Get("$skiptoken") == "" {
				fmt.Fprintf(w, `{"value":[{"id":"1"}],"@odata.nextLink":%q}`, next)
				return
			}
			_, _ = w.Write([]byte(`{"value":[{"id":"2"}]}`))
		})
		c := hs.client()
		for _, first := range []*Request{
			{URL: "https://graph.microsoft.com/v1.0/groups"},
			{URL: "https://graph.microsoft.com/v1.0/groups", Scope: "https://graph.microsoft.com/.default"},
			{URL: "https://graph.microsoft.com/v1.0/groups", NoAuth: true, Header: http.Header{"Authorization": {"Bearer SECRET-HDR"}}},
		} {
			items := 0
			_, err := c.Pages(context.Background(), first, PageOptions{}, func(p Page) error { items += len(p.Items); return nil })
			if !errors.Is(err, ErrRefused) || items != 1 {
				t.Errorf("next %s: %d items, err %v; want 1 item and a refusal", next, items, err)
			}
		}
		if l := hs.leaked(onlyHTTPSTo("graph.microsoft.com")); len(l) > 0 {
			t.Fatalf("credentials followed %s: %v", next, l)
		}
	}
}

// Paging loops: a link that points to itself, or a page token given again,
// stops the walk with ErrPagingLoop; {max} bounds pages as well as items
// (a server that answers empty pages forever).
func TestPagingLoops(t *testing.T) {
	var n atomic.Int32
	hs := newHostile(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) > 50 {
			http.Error(w, `{"error":{"code":"stop"}}`, 500) // today's code would never stop
			return
		}
		switch r.URL.Path {
		case "/self":
			fmt.Fprintf(w, `{"value":[{"id":1}],"@odata.nextLink":"https://graph.microsoft.com/self"}`)
		case "/cycle":
			tok := r.URL.Query().Get("$skiptoken")
			nextTok := map[string]string{"": "a", "a": "b", "b": "a"}[tok]
			fmt.Fprintf(w, `{"value":[{"id":1}],"@odata.nextLink":"https://graph.microsoft.com/cycle?$skiptoken=%s&n=%d"}`, nextTok, n.Load())
		case "/empty":
			fmt.Fprintf(w, `{"value":[],"@odata.nextLink":"https://graph.microsoft.com/empty?$skiptoken=%d"}`, n.Load())
		case "/api/2.1/jobs/list":
			_, _ = w.Write([]byte(`{"jobs":[{"job_id":1}],"has_more":true,"next_page_token":"same"}`))
		}
	})
	c := hs.client()
	for _, c2 := range []struct {
		path string
		opts PageOptions
		want error
		max  int32
	}{
		{"/self", PageOptions{}, ErrPagingLoop, 1},
		{"/cycle", PageOptions{}, ErrPagingLoop, 3},
		{"/api/2.1/jobs/list", PageOptions{Items: "jobs", Next: DatabricksNext}, ErrPagingLoop, 2},
		{"/empty", PageOptions{Max: 5}, nil, 5},
	} {
		n.Store(0)
		_, err := c.Pages(context.Background(), &Request{URL: "https://graph.microsoft.com" + c2.path}, c2.opts, func(Page) error { return nil })
		if c2.want == nil && err != nil || c2.want != nil && !errors.Is(err, c2.want) {
			t.Errorf("%s: err = %v, want %v", c2.path, err, c2.want)
		}
		if got := n.Load(); got != c2.max {
			t.Errorf("%s: %d requests, want %d", c2.path, got, c2.max)
		}
	}
}

// A body above the cap fails with ErrTooLarge, whether its length is
// announced or streamed, instead of being read into memory whole.
func TestBodyCap(t *testing.T) {
	chunk := strings.Repeat("x", 64<<10)
	hs := newHostile(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/announced" {
			w.Header().Set("Content-Length", fmt.Sprint(8<<20))
		}
		for i := 0; i < 128; i++ { // 8 MiB
			if _, err := w.Write([]byte(chunk)); err != nil {
				return
			}
		}
	})
	proxyURL, _ := url.Parse(hs.proxy.URL)
	c := New(Options{RootCAs: hs.pool, Proxy: http.ProxyURL(proxyURL), MaxBody: 1 << 20})
	for _, p := range []string{"/streamed", "/announced"} {
		_, err := c.Do(context.Background(), &Request{URL: "https://graph.microsoft.com" + p})
		if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "response too large") {
			t.Errorf("%s: err = %v, want response too large", p, err)
		}
	}
	if New(Options{}).maxBody != DefaultMaxBody || DefaultMaxBody != 256<<20 {
		t.Fatal("default cap")
	}
	// Under the cap, the body is whole.
	c2 := New(Options{RootCAs: hs.pool, Proxy: http.ProxyURL(proxyURL), MaxBody: 8 << 20})
	if resp, err := c2.Do(context.Background(), &Request{URL: "https://graph.microsoft.com/streamed"}); err != nil || len(resp.Body) != 8<<20 {
		t.Fatalf("8 MiB under an 8 MiB cap: %v", err)
	}
}

// The redaction gaps a hostile review found: SAS signatures, API keys in
// the query, passwords in URLs, Graph's secretText, clientSecret and
// password members, custom secret headers — in --debug, trace() and curl.
func TestRedactionGaps(t *testing.T) {
	var debug strings.Builder
	hs := newHostile(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Custom-Token", "S3KRIT-RESP-HDR")
		_, _ = w.Write([]byte(`{"secretText":"S3KRIT-ADDPW","clientSecret":"S3KRIT-CS","password":"S3KRIT-PW","keyId":"visible-id"}`))
	})
	proxyURL, _ := url.Parse(hs.proxy.URL)
	c := New(Options{RootCAs: hs.pool, Proxy: http.ProxyURL(proxyURL), Debug: &debug})
	ctx := context.Background()
	urls := []string{
		"https://acct.blob.core.windows.net/c/b?sv=2022-11-02&sp=r&sig=S3KRIT-SIG%2Bx",
		"https://x.cognitiveservices.azure.com/a?api-key=S3KRIT-APIKEY&subscription-key=S3KRIT-SUBKEY",
		"https://f.azurewebsites.net/api/h?code=S3KRIT-FNCODE12345678901234567890&key=S3KRIT-K&token=S3KRIT-T",
		"https://user:S3KRIT-URLPW@example.net/x",
	}
	for _, u := range urls {
		resp, err := c.Do(ctx, &Request{URL: u, NoAuth: true, Header: http.Header{"X-My-Api-Key": {"S3KRIT-REQ-HDR"}}})
		if err != nil {
			t.Fatal(err)
		}
		_ = resp
	}
	var all strings.Builder
	all.WriteString(debug.String())
	for _, e := range c.Trace() {
		all.WriteString(e.Curl() + "\n" + e.URL + "\n" + e.RespBody + "\n")
		for k, vs := range e.ReqHeader {
			all.WriteString(k + ": " + strings.Join(vs, ",") + "\n")
		}
		for k, vs := range e.RespHeader {
			all.WriteString(k + ": " + strings.Join(vs, ",") + "\n")
		}
	}
	all.WriteString(c.Redact("failed: https://user:S3KRIT-TXTPW@example.net/x?sig=S3KRIT-TXTSIG"))
	if i := strings.Index(all.String(), "S3KRIT"); i >= 0 {
		t.Fatalf("a secret is shown: …%s…", all.String()[max(0, i-80):min(len(all.String()), i+40)])
	}
	if !strings.Contains(all.String(), "visible-id") || !strings.Contains(all.String(), "sv=2022-11-02") {
		t.Fatal("redaction masked what is not secret")
	}
}

// A service's error message cannot drive the terminal: escape sequences
// are shown as \xHH.
func TestServiceMessageControlsEscaped(t *testing.T) {
	hs := newHostile(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error":{"code":"Bad","message":"x\u001b]0;pwned\u0007\u001b[2J\u009b31m"}}`))
	})
	resp, err := hs.client().Do(context.Background(), &Request{URL: "https://graph.microsoft.com/v1.0/me", NoAuth: true})
	if err != nil {
		t.Fatal(err)
	}
	msg := resp.Err().Error()
	if strings.ContainsAny(msg, "\x1b\x07\u009b") || !strings.Contains(msg, `\x1b]0;pwned\x07\x1b[2J\x9b31m`) {
		t.Fatalf("%q", msg)
	}
	if EscapeControls("a\tb\nc") != "a\tb\nc" {
		t.Fatal("tabs and newlines are text")
	}
}
