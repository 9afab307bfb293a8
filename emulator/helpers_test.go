package emulator

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const azureCLI = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"

// startEmulator starts an emulator with a proxy on random ports, closed with the test.
func startEmulator(t *testing.T, cfg Config) *Emulator {
	t.Helper()
	if cfg.Proxy == "" {
		cfg.Proxy = "127.0.0.1:0"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	em, err := Start(ctx, cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = em.Close() })
	return em
}

func loginURL(em *Emulator, tenant, endpoint string) string {
	return "https://login.microsoftonline.com/" + tenant + "/oauth2/v2.0/" + endpoint
}

// post sends a form and decodes the JSON answer.
func post(t *testing.T, c *http.Client, u string, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatalf("POST %s: %v", u, err)
	}
	defer resp.Body.Close()
	return resp.StatusCode, decodeBody(t, resp.Body)
}

func get(t *testing.T, c *http.Client, u string) (int, map[string]any) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	return resp.StatusCode, decodeBody(t, resp.Body)
}

func decodeBody(t *testing.T, r io.Reader) map[string]any {
	t.Helper()
	data, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("body is not JSON: %v: %.300s", err, data)
	}
	return m
}

// wantEntraError checks status, error, AADSTS code and the whole envelope.
func wantEntraError(t *testing.T, status int, body map[string]any, wantStatus int, wantError string, wantCode int) {
	t.Helper()
	if status != wantStatus || body["error"] != wantError {
		t.Fatalf("got %d %v (%v), want %d %s AADSTS%d", status, body["error"], body["error_description"], wantStatus, wantError, wantCode)
	}
	codes, _ := body["error_codes"].([]any)
	if len(codes) != 1 || codes[0] != float64(wantCode) {
		t.Fatalf("error_codes = %v, want [%d]", body["error_codes"], wantCode)
	}
	desc, _ := body["error_description"].(string)
	prefix := "AADSTS" + itoa(wantCode) + ": "
	if !strings.HasPrefix(desc, prefix) || !strings.Contains(desc, "\r\nTrace ID: ") ||
		!strings.Contains(desc, "\r\nCorrelation ID: ") || !strings.Contains(desc, "\r\nTimestamp: ") {
		t.Fatalf("error_description = %q, want %q prefix and trace lines", desc, prefix)
	}
	for _, k := range []string{"timestamp", "trace_id", "correlation_id", "error_uri"} {
		if s, _ := body[k].(string); s == "" {
			t.Fatalf("envelope field %s missing in %v", k, body)
		}
	}
}

// claimsOf verifies a token with the emulator key and returns its claims.
func claimsOf(t *testing.T, em *Emulator, token string) jwt.MapClaims {
	t.Helper()
	var c jwt.MapClaims
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return em.PublicKey(), nil },
		jwt.WithValidMethods([]string{"RS256"}))
	if err != nil {
		t.Fatalf("token does not verify with the emulator key: %v", err)
	}
	return c
}

// deviceLogin runs a device code flow with the raw protocol, approving
// through ApproveDevice, and returns the token response.
func deviceLogin(t *testing.T, em *Emulator, clientID, scope string) map[string]any {
	t.Helper()
	c := em.HTTPClient()
	st, dc := post(t, c, loginURL(em, "organizations", "devicecode"), url.Values{"client_id": {clientID}, "scope": {scope}})
	if st != 200 {
		t.Fatalf("devicecode: %d %v", st, dc)
	}
	if err := em.ApproveDevice(dc["user_code"].(string), "alice"); err != nil {
		t.Fatal(err)
	}
	st, tok := post(t, c, loginURL(em, "organizations", "token"), url.Values{
		"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "client_id": {clientID},
		"device_code": {dc["device_code"].(string)}, "client_info": {"1"}})
	if st != 200 {
		t.Fatalf("device token: %d %v", st, tok)
	}
	return tok
}

func newRequest(method, u string) (*http.Request, error) { return http.NewRequest(method, u, nil) }
