package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/emulatortest"
)

// tokenTap records the form and the raw answer of each token request, so a
// test can compare what azrepl made of an answer with the answer itself.
type tokenTap struct {
	next http.RoundTripper
	mu   sync.Mutex
	seen []tapped
}

type tapped struct {
	url    string
	form   url.Values
	answer map[string]any
	auth   string // the Authorization scheme sent, if any (Basic: client_secret_basic)
}

func (t *tokenTap) RoundTrip(r *http.Request) (*http.Response, error) {
	var form url.Values
	if r.Body != nil && (strings.Contains(r.URL.Path, "/oauth2/") || strings.HasSuffix(r.URL.Path, "/v1/token")) {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		form, _ = url.ParseQuery(string(b))
	}
	resp, err := t.next.RoundTrip(r)
	if err != nil || form == nil {
		return resp, err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(b))
	var answer map[string]any
	_ = json.Unmarshal(b, &answer)
	t.mu.Lock()
	scheme, _, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	t.seen = append(t.seen, tapped{url: r.URL.String(), form: form, answer: answer, auth: scheme})
	t.mu.Unlock()
	return resp, nil
}

func (t *tokenTap) last(tb testing.TB) tapped {
	tb.Helper()
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.seen) == 0 {
		tb.Fatal("no token request was made")
	}
	return t.seen[len(t.seen)-1]
}

func (t *tokenTap) count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.seen)
}

func tappedSession(t *testing.T, e *emulator.Emulator, env map[string]string) (*Session, *tokenTap) {
	t.Helper()
	hc := e.HTTPClient()
	tap := &tokenTap{next: hc.Transport}
	if tap.next == nil {
		tap.next = http.DefaultTransport
	}
	hc.Transport = tap
	s, err := NewSession(Config{HTTP: hc, Home: t.TempDir(), Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	return s, tap
}

// checkV1Answer asserts the request went to the v1 endpoint with resource=
// and that the Token carries the answer's resource, expires_on and
// not_before (v1 numbers are strings).
func checkV1Answer(t *testing.T, tok *Token, x tapped, tenant, resource string) {
	t.Helper()
	if want := "https://login.microsoftonline.com/" + tenant + "/oauth2/token"; x.url != want {
		t.Errorf("request to %s, want %s", x.url, want)
	}
	if x.form.Get("resource") != resource || x.form.Has("scope") {
		t.Errorf("form resource=%q scope=%q, want resource %q and no scope", x.form.Get("resource"), x.form.Get("scope"), resource)
	}
	num := func(k string) int64 {
		s, ok := x.answer[k].(string)
		if !ok {
			t.Fatalf("v1 answer's %s is %T, want a string", k, x.answer[k])
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if x.answer["resource"] != resource || tok.Resource != resource {
		t.Errorf("resource: answer %v, token %q, want %q", x.answer["resource"], tok.Resource, resource)
	}
	if got, want := tok.ExpiresOn.Unix(), num("expires_on"); got != want {
		t.Errorf("expiresOn %d, answer's expires_on %d", got, want)
	}
	if got, want := tok.NotBefore.Unix(), num("not_before"); got != want {
		t.Errorf("notBefore %d, answer's not_before %d", got, want)
	}
	if tok.AccessToken != x.answer["access_token"] || tok.FromCache {
		t.Error("the token is not the answer's access_token")
	}
	if tok.Audience == "" {
		t.Error("no audience read from the token")
	}
}

func TestTokenV1AgainstEmulator(t *testing.T) {
	e := startEmulator(t, emulator.Config{Dir: t.TempDir()})
	w := e.World()
	ctx := context.Background()

	// v1Token logs a tapped session in with o and gets a v1 token for
	// resource, checked as every v1 answer is.
	v1Token := func(t *testing.T, o LoginOptions, resource string) (*Session, *tokenTap, *Token, tapped) {
		t.Helper()
		s, tap := tappedSession(t, e, nil)
		if _, err := s.Login(ctx, o); err != nil {
			t.Fatal(err)
		}
		tok, err := s.Token(ctx, resource, TokenOptions{V1: true})
		if err != nil {
			t.Fatal(err)
		}
		x := tap.last(t)
		checkV1Answer(t, tok, x, w.TenantID, resource)
		return s, tap, tok, x
	}

	t.Run("refresh token", func(t *testing.T) {
		alice := w.Users[0]
		s, tap, tok, x := v1Token(t, LoginOptions{Flow: FlowPassword, Username: alice.Username, Password: alice.Password}, "https://graph.microsoft.com")
		if x.form.Get("grant_type") != "refresh_token" || tok.Claims["upn"] != alice.Username {
			t.Errorf("grant %q, upn %v", x.form.Get("grant_type"), tok.Claims["upn"])
		}
		// ARM's resource keeps its trailing slash (…//.default in v2).
		tok, err := s.Token(ctx, "https://management.core.windows.net//.default", TokenOptions{V1: true})
		if err != nil {
			t.Fatal(err)
		}
		checkV1Answer(t, tok, tap.last(t), w.TenantID, "https://management.core.windows.net/")
		// Cached under the resource: a v1 call is answered from the cache,
		// a v2 call for the same resource is not answered by the v1 token.
		n := tap.count()
		again, err := s.Token(ctx, "https://graph.microsoft.com", TokenOptions{V1: true})
		if err != nil || !again.FromCache || again.Resource != "https://graph.microsoft.com" || tap.count() != n {
			t.Fatalf("second v1 call: %v, fromCache %v", err, again != nil && again.FromCache)
		}
		v2, err := s.Token(ctx, "https://graph.microsoft.com", TokenOptions{})
		if err != nil || v2.FromCache || v2.Resource != "" || strings.HasSuffix(tap.last(t).url, "/oauth2/token") {
			t.Fatalf("v2 after v1: %v (fromCache %v)", err, v2 != nil && v2.FromCache)
		}
	})

	story, reader := emulatortest.App(t, e, "story-app"), emulatortest.App(t, e, "reader-app")
	t.Run("client credentials", func(t *testing.T) {
		_, _, tok, x := v1Token(t, LoginOptions{Flow: FlowSecret, Tenant: w.TenantID, ClientID: story.ClientID, ClientSecret: story.ClientSecret},
			"https://graph.microsoft.com")
		if x.form.Get("grant_type") != "client_credentials" || x.form.Get("client_id") != story.ClientID || tok.Claims["appid"] != story.ClientID {
			t.Errorf("grant %q client %q appid %v", x.form.Get("grant_type"), x.form.Get("client_id"), tok.Claims["appid"])
		}
	})

	t.Run("certificate", func(t *testing.T) {
		_, _, _, x := v1Token(t, LoginOptions{Flow: FlowCertificate, Tenant: w.TenantID, ClientID: reader.ClientID,
			CertificatePath: []string{reader.CertificatePath, reader.KeyPath}}, DatabricksResourceID)
		// The assertion is addressed to the endpoint it is sent to.
		j, err := DecodeJWT(x.form.Get("client_assertion"))
		if err != nil || j.StringClaim("aud") != "https://login.microsoftonline.com/"+w.TenantID+"/oauth2/token" {
			t.Errorf("assertion aud %v (%v)", j, err)
		}
	})

	t.Run("refusals", func(t *testing.T) {
		s, _ := tappedSession(t, e, nil)
		if _, err := s.Login(ctx, LoginOptions{Flow: FlowSecret, Tenant: w.TenantID, ClientID: story.ClientID, ClientSecret: story.ClientSecret}); err != nil {
			t.Fatal(err)
		}
		for scope, want := range map[string]string{
			"https://graph.microsoft.com/User.Read":                                              `the v1 endpoint takes one resource, not "https://graph.microsoft.com/User.Read"`,
			"https://graph.microsoft.com/.default https://management.core.windows.net//.default": "the v1 endpoint takes one resource",
		} {
			_, err := s.Token(ctx, scope, TokenOptions{V1: true})
			if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("%s: %v", scope, err)
			}
		}
		if _, err := s.Token(ctx, "https://graph.microsoft.com", TokenOptions{V1: true, OnBehalfOf: "x.y.z"}); err == nil || !strings.Contains(err.Error(), "drop v1") {
			t.Errorf("onBehalfOf with v1: %v", err)
		}
	})
}
