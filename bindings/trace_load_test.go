package bindings_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/traceexport"
)

// A recording written as trace.json opens with trace.load, and every trace
// function works on it.
func TestTraceLoadRecording(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, inDir(dir))
	setDir(h, dir)
	h.loginApp("reader-app")
	h.run(`graph.get("/groups?$top=2")`)
	var b bytes.Buffer
	if err := traceexport.WriteTrace(&b, traceexport.TraceFile{Creator: "test", Exchanges: h.http.Trace()}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "trace.json"), b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	got := h.js(`(() => { const t = trace.load(D + "/trace.json"); return [t().length, t.get(1).url, t.curl(1).includes("$CLIENT_SECRET"),
		t.diagram().includes("sequenceDiagram"), t.report(D + "/r.html"), t.har(D + "/r.har"), t.http(D + "/r.http"), t.explain()[0]] })()`)
	var v []any
	if err := json.Unmarshal([]byte(got), &v); err != nil || len(v) != 8 {
		t.Fatalf("%s (%v)", got, err)
	}
	if v[0] != float64(3) || !strings.HasSuffix(v[1].(string), "/oauth2/v2.0/token") || v[2] != true || v[3] != true ||
		!strings.HasPrefix(v[7].(string), "1. client → Entra: client credentials (secret), client "+h.app("reader-app").ClientID) {
		t.Errorf("trace.load: %s", got)
	}
	for _, f := range []string{"r.html", "r.har", "r.http"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	if e := h.thrown(`trace.load("/etc/passwd")`); e["code"] != "REFUSED" {
		t.Errorf("outside the folders: %v", e)
	}
	if err := os.WriteFile(filepath.Join(dir, "bad.json"), []byte(`{"x":1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if e := h.thrown(`trace.load(D + "/bad.json")`); !strings.Contains(e["message"].(string), "neither an azrepl trace nor not a HAR file") {
		t.Errorf("bad file: %v", e)
	}
}

// A HAR exported by a browser's developer tools holds secrets in clear:
// trace.load redacts them as trace() does, after decoding the tokens.
func TestTraceLoadBrowserHAR(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, inDir(dir), offline())
	setDir(h, dir)
	claims := base64.RawURLEncoding.EncodeToString([]byte(`{"aud":"https://graph.microsoft.com","scp":"User.Read","tid":"t1","exp":2000000000,"iat":1999996400}`))
	jwt := "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9." + claims + ".c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl"
	const refresh = "0.AAAA-refresh-token-in-clear-value"
	har := map[string]any{"log": map[string]any{"version": "1.2", "creator": map[string]any{"name": "WebInspector", "version": "537.36"},
		"entries": []any{
			map[string]any{"startedDateTime": "2026-12-05T10:00:00.123Z", "time": 85.5,
				"request": map[string]any{"method": "POST", "url": "https://login.microsoftonline.com/organizations/oauth2/v2.0/token", "httpVersion": "http/2.0",
					"headers": []any{map[string]any{"name": ":authority", "value": "login.microsoftonline.com"}, map[string]any{"name": "content-type", "value": "application/x-www-form-urlencoded;charset=utf-8"},
						map[string]any{"name": "x-client-SKU", "value": "msal.js.browser"}, map[string]any{"name": "x-client-VER", "value": "3.7.0"}},
					"postData": map[string]any{"mimeType": "application/x-www-form-urlencoded;charset=utf-8",
						"text": "client_id=0b1c&scope=User.Read%20openid&grant_type=authorization_code&code=SECRETCODE123&code_verifier=VERIFIER456"}},
				"response": map[string]any{"status": 200, "headers": []any{map[string]any{"name": "content-type", "value": "application/json"}},
					"content": map[string]any{"mimeType": "application/json", "encoding": "base64",
						"text": base64.StdEncoding.EncodeToString([]byte(`{"token_type":"Bearer","expires_in":3599,"access_token":"` + jwt + `","refresh_token":"` + refresh + `"}`))}}},
			map[string]any{"startedDateTime": "2026-12-05T10:00:01Z", "time": 20,
				"request":  map[string]any{"method": "GET", "url": "https://graph.microsoft.com/v1.0/me", "headers": []any{map[string]any{"name": "authorization", "value": "Bearer " + jwt}}},
				"response": map[string]any{"status": 200, "headers": []any{}, "content": map[string]any{"text": `{"displayName":"Alice"}`}}},
		}}}
	data, _ := json.Marshal(har)
	if err := os.WriteFile(filepath.Join(dir, "portal.har"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	got := h.js(`(() => { const t = trace.load(D + "/portal.har"); return {n: t().length, a: t.get(1), b: t.get(2), explained: t.explain(), curl: t.curl(2)} })()`)
	for _, secret := range []string{"SECRETCODE123", "VERIFIER456", refresh, claims} {
		if strings.Contains(got, secret) {
			t.Errorf("a secret of the HAR survived trace.load: %s", secret)
		}
	}
	for _, want := range []string{`"n":2`, "authorization code + PKCE, client 0b1c, tenant organizations, scope User.Read openid → 200: token (aud Graph, scp User.Read, 3599 s)",
		"[msal.js.browser 3.7.0]", "GET /v1.0/me, token (aud Graph, scp User.Read) → 200", `"ms":85.5`} {
		if !strings.Contains(got, want) {
			t.Errorf("trace.load of a browser HAR lacks %q: %s", want, got)
		}
	}
}

func TestTraceDiff(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, inDir(dir))
	setDir(h, dir)
	h.loginApp("reader-app")
	h.run(`token("https://graph.microsoft.com/.default", {force: true}); graph.get("/groups?$top=1")`)
	var b bytes.Buffer
	if err := traceexport.WriteTrace(&b, traceexport.TraceFile{Exchanges: h.http.Trace()}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.json"), b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	h.run(`trace.clear(); token("https://management.azure.com/.default", {force: true}); graph.get("/groups?$top=1")`)
	got := h.run(`trace.diff(D + "/a.json")`)
	// a.json: the login's ARM token, a Graph token, the groups; this session:
	// a token for management.azure.com, the groups (the Graph token cached).
	for _, want := range []string{"a.json: 3 steps, this session: 2 steps",
		"form scope: a.json https://management.core.windows.net//.default | this session https://management.azure.com/.default",
		"claim response access_token aud: a.json https://management.core.windows.net/ | this session https://management.azure.com",
		"only in a.json: 2. a.json → Entra: client credentials (secret)", "scope Graph .default",
		"1 paired steps alike"} {
		if !strings.Contains(got, want) {
			t.Errorf("trace.diff lacks %q:\n%s", want, got)
		}
	}
	if e := h.thrown(`trace.diff(42)`); e["code"] != "BAD_ARGUMENT" {
		t.Errorf("trace.diff(42): %v", e)
	}
}

// setDir puts the test's folder in the global D: paths are relative to the
// working folder, not to the runtime's.
func setDir(h *harness, dir string) {
	q, _ := json.Marshal(dir)
	h.run("globalThis.D = " + string(q))
}
