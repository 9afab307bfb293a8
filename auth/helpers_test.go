package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
)

// fakeJWT builds an unsigned JWT: azrepl never verifies signatures, the
// resource servers do.
func fakeJWT(t testing.TB, claims map[string]any) string {
	t.Helper()
	h, _ := json.Marshal(map[string]any{"alg": "RS256", "typ": "JWT", "kid": "test"})
	c, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c) + ".c2ln"
}

func b64json(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// entraErrorBody is Entra's error answer exactly as https://learn.microsoft.com/entra/identity-platform/reference-error-codes shows it.
func entraErrorBody(errName string, code int, msg string) map[string]any {
	return map[string]any{
		"error":             errName,
		"error_description": "AADSTS" + itoa(code) + ": " + msg + "\r\nTrace ID: 0d4c1e2f-trace\r\nCorrelation ID: 5e6f-corr\r\nTimestamp: 2026-11-26 10:00:00Z",
		"error_codes":       []int{code},
		"timestamp":         "2026-11-26 10:00:00Z",
		"trace_id":          "0d4c1e2f-trace",
		"correlation_id":    "5e6f-corr",
		"error_uri":         "https://login.microsoftonline.com/error?code=" + itoa(code),
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// fakeEntra is an httptest TLS server whose token endpoint is scripted by
// the test; it records every form it receives.
type fakeEntra struct {
	srv   *httptest.Server
	mu    sync.Mutex
	forms []recorded
	token func(w http.ResponseWriter, tenant string, f url.Values)
	dev   func(w http.ResponseWriter, tenant string, f url.Values)
}

type recorded struct {
	Path string
	Form url.Values
}

func newFakeEntra(t *testing.T) *fakeEntra {
	fe := &fakeEntra{}
	fe.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		fe.mu.Lock()
		fe.forms = append(fe.forms, recorded{Path: r.URL.Path, Form: r.PostForm})
		tok, dev := fe.token, fe.dev
		fe.mu.Unlock()
		var tenant, rest string
		if p := r.URL.Path; len(p) > 1 {
			tenant, rest, _ = cutPath(p[1:])
		}
		switch rest {
		case "oauth2/v2.0/token":
			if tok != nil {
				tok(w, tenant, r.PostForm)
				return
			}
		case "oauth2/v2.0/devicecode":
			if dev != nil {
				dev(w, tenant, r.PostForm)
				return
			}
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(fe.srv.Close)
	return fe
}

func cutPath(p string) (string, string, bool) {
	for i := 0; i < len(p); i++ {
		if p[i] == '/' {
			return p[:i], p[i+1:], true
		}
	}
	return p, "", false
}

func (fe *fakeEntra) cloud() Cloud { return Cloud{Name: "test", AuthorityHost: fe.srv.URL} }

func (fe *fakeEntra) requests() []recorded {
	fe.mu.Lock()
	defer fe.mu.Unlock()
	return append([]recorded(nil), fe.forms...)
}

func (fe *fakeEntra) setToken(f func(w http.ResponseWriter, tenant string, form url.Values)) {
	fe.mu.Lock()
	fe.token = f
	fe.mu.Unlock()
}

// userTokenBody is a successful user token response with id_token and
// client_info, as Entra returns it for the Azure CLI (the client_info of https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow).
func userTokenBody(t testing.TB, aud, scope, rt string, foci bool) map[string]any {
	const oid, tid = "aaaaaaaa-0000-0000-0000-000000000001", "11111111-2222-3333-4444-555555555555"
	b := map[string]any{
		"token_type": "Bearer", "scope": scope, "expires_in": 3599, "ext_expires_in": 3599,
		"access_token":  fakeJWT(t, map[string]any{"aud": aud, "tid": tid, "oid": oid, "upn": "alice@contoso.test", "scp": "user_impersonation"}),
		"refresh_token": rt,
		"id_token":      fakeJWT(t, map[string]any{"aud": AzureCLIClientID, "tid": tid, "oid": oid, "preferred_username": "alice@contoso.test"}),
		"client_info":   b64json(map[string]string{"uid": oid, "utid": tid}),
	}
	if foci {
		b["foci"] = "1"
	}
	return b
}

// newTestSession is a Session on a fresh home folder against fe, with an
// empty environment unless env is given.
func newTestSession(t *testing.T, fe *fakeEntra, env map[string]string) *Session {
	t.Helper()
	s, err := NewSession(Config{HTTP: fe.srv.Client(), Home: t.TempDir(), Cloud: fe.cloud(),
		Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// publicCloudClient reaches fe for every host name, so a Session on the
// real public cloud name (login.microsoftonline.com) talks to the fake.
func (fe *fakeEntra) publicCloudClient() *http.Client {
	tr := fe.srv.Client().Transport.(*http.Transport).Clone()
	addr := fe.srv.Listener.Addr().String()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	tr.TLSClientConfig.ServerName = "example.com" // a name in httptest's certificate
	return &http.Client{Transport: tr}
}
