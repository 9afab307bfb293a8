package entra_test

import (
	"crypto/tls"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/internal/fixture"
)

const cp1 = `{"access_token":{"xms_cc":{"values":["CP1"]}}}`

// CAE: tokens of CP1 clients carry xms_cc; after the control endpoint
// revokes alice's sessions, Graph and ARM answer their real challenges and
// the refresh token is refused.
func TestContinuousAccessEvaluation(t *testing.T) {
	em := startEmulator(t, emulator.Config{Groups: 3})
	c, w := em.HTTPClient(), em.World()
	alice := w.User("alice")
	pw := func(scope, claims string) map[string]any {
		f := url.Values{"grant_type": {"password"}, "client_id": {fixture.AzureCLI}, "username": {alice.Username},
			"password": {alice.Password}, "scope": {scope + " offline_access"}}
		if claims != "" {
			f.Set("claims", claims)
		}
		st, body := fixture.PostForm(t, c, fixture.LoginURL(w.TenantID, "token"), f)
		if st != 200 {
			t.Fatalf("%d %v", st, body)
		}
		return body
	}
	graphTok := pw("https://graph.microsoft.com/.default", cp1)
	armTok := pw("https://management.azure.com/.default", cp1)
	plain := pw("https://graph.microsoft.com/.default", "")
	if cc := claimsOf(t, em, graphTok["access_token"].(string))["xms_cc"]; cc == nil {
		t.Fatal("no xms_cc with CP1")
	}
	if cc := claimsOf(t, em, plain["access_token"].(string))["xms_cc"]; cc != nil {
		t.Fatalf("xms_cc %v without CP1", cc)
	}
	call := func(u, tok string) *http.Response {
		req, _ := http.NewRequest("GET", u, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	graphURL, armURL := "https://graph.microsoft.com/v1.0/groups", "https://management.azure.com/subscriptions?api-version=2022-12-01"
	if r := call(graphURL, graphTok["access_token"].(string)); r.StatusCode != 200 {
		t.Fatalf("before: %d", r.StatusCode)
	}
	direct := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: em.CertPool()}}}
	st, body := fixture.PostForm(t, direct, em.DirectURL()+"/_emulator/revoke", url.Values{"user": {"alice"}, "key": {em.ControlKey()}})
	if st != 200 || body["revoked"] != alice.Username {
		t.Fatalf("revoke: %d %v", st, body)
	}
	r := call(graphURL, graphTok["access_token"].(string))
	h := r.Header.Get("WWW-Authenticate")
	if r.StatusCode != 401 || !strings.Contains(h, `error="insufficient_claims"`) || !strings.Contains(h, `claims="`) {
		t.Fatalf("graph after revoke: %d %q", r.StatusCode, h)
	}
	b64 := strings.TrimSuffix(strings.SplitN(h, `claims="`, 2)[1], `"`)
	if dec, err := base64.StdEncoding.DecodeString(b64); err != nil || !strings.Contains(string(dec), `"nbf":{"essential":true`) {
		t.Fatalf("claims %q: %v", dec, err)
	}
	r = call(armURL, armTok["access_token"].(string))
	if h := r.Header.Get("WWW-Authenticate"); r.StatusCode != 401 || !strings.Contains(h, `error_description="User session has been revoked"`) {
		t.Fatalf("arm after revoke: %d %q", r.StatusCode, h)
	}
	// A token of a client that cannot handle challenges keeps working until it expires.
	if r := call(graphURL, plain["access_token"].(string)); r.StatusCode != 200 {
		t.Fatalf("non-CAE token: %d", r.StatusCode)
	}
	st, body = fixture.PostForm(t, c, fixture.LoginURL(w.TenantID, "token"), url.Values{"grant_type": {"refresh_token"}, "client_id": {fixture.AzureCLI},
		"refresh_token": {graphTok["refresh_token"].(string)}, "scope": {"https://graph.microsoft.com/.default"}, "claims": {string(mustDecode(t, b64))}})
	fixture.WantEntraError(t, st, body, 400, "invalid_grant", 50173)
	// A new sign-in works again.
	fresh := pw("https://graph.microsoft.com/.default", cp1)
	if r := call(graphURL, fresh["access_token"].(string)); r.StatusCode != 200 {
		t.Fatalf("after a new sign-in: %d", r.StatusCode)
	}
	// Bad input to the control endpoint: the emulator's own JSON errors.
	for _, tc := range []struct {
		method, path string
		form         url.Values
		want         int
	}{
		{"POST", "/_emulator/revoke", url.Values{"key": {em.ControlKey()}}, 400},
		{"POST", "/_emulator/revoke", url.Values{"user": {"nobody"}, "key": {em.ControlKey()}}, 404},
		{"POST", "/_emulator/revoke", url.Values{"user": {"alice"}}, 401},
		{"POST", "/_emulator/revoke", url.Values{"user": {"alice"}, "key": {"guess"}}, 401},
		{"GET", "/_emulator/revoke", nil, 405},
		{"POST", "/_emulator/other", nil, 404},
	} {
		req, _ := http.NewRequest(tc.method, em.DirectURL()+tc.path, strings.NewReader(tc.form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := direct.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if body := fixture.DecodeJSON(t, resp.Body); resp.StatusCode != tc.want || body["message"] == nil {
			t.Errorf("%s %s %v: %d %v", tc.method, tc.path, tc.form, resp.StatusCode, body)
		}
		resp.Body.Close()
	}
}

func mustDecode(t *testing.T, s string) []byte {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
