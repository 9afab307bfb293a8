package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/fixture"
	"github.com/azrepl/azrepl/internal/testenv"
)

func TestRequestLogMasksSecrets(t *testing.T) {
	dir := t.TempDir()
	var extra testenv.Buffer
	em := startEmulator(t, Config{Dir: dir, Log: &extra})
	app := em.World().Apps[0]
	st, tok := fixture.PostForm(t, em.HTTPClient(), fixture.LoginURL(em.World().TenantID, "token"), url.Values{"grant_type": {"client_credentials"},
		"client_id": {app.ClientID}, "client_secret": {app.ClientSecret}, "scope": {"https://graph.microsoft.com/.default"}})
	if st != 200 {
		t.Fatalf("token: %d", st)
	}
	req, _ := http.NewRequest("GET", "https://graph.microsoft.com/v1.0/groups?$top=5", nil)
	req.Header.Set("Authorization", "Bearer "+tok["access_token"].(string))
	if resp, err := em.HTTPClient().Do(req); err == nil {
		resp.Body.Close()
	}
	_ = em.Close()
	data, err := os.ReadFile(filepath.Join(dir, "requests.log"))
	if err != nil {
		t.Fatal(err)
	}
	log := string(data)
	for _, secret := range []string{app.ClientSecret, tok["access_token"].(string)} {
		if strings.Contains(log, secret) || strings.Contains(extra.String(), secret) {
			t.Fatal("requests.log contains a secret")
		}
	}
	lines := strings.Split(strings.TrimSpace(log), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 log lines, got %d:\n%s", len(lines), log)
	}
	var first, second map[string]any
	if json.Unmarshal([]byte(lines[0]), &first) != nil || json.Unmarshal([]byte(lines[1]), &second) != nil {
		t.Fatalf("log lines are not JSON:\n%s", log)
	}
	if first["host"] != "login.microsoftonline.com" || first["status"] != float64(200) ||
		!strings.Contains(lines[0], `"client_secret"`) || first["method"] != "POST" {
		t.Errorf("token line: %s", lines[0])
	}
	if h := second["headers"].(map[string]any)["Authorization"]; h != "Bearer ***" {
		t.Errorf("Authorization logged as %v", h)
	}
	if q := second["query"].([]any); len(q) != 1 || q[0] != "$top" {
		t.Errorf("query keys %v", q)
	}
	for _, name := range []string{"ca.pem", "ca-bundle.pem", "env", "credentials.env", "tenant.json", "reader-app.pem", "reader-app.key"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	for _, private := range []string{"tenant.json", "credentials.env"} {
		if fi, err := os.Stat(filepath.Join(dir, private)); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode: %v %v", private, fi.Mode(), err)
		}
	}
}

func TestFaultSpecs(t *testing.T) {
	for _, bad := range []string{"rate=2", "every=0", "kinds=429", "every=2,kinds=teapot", "rate=0.1,every=2", "speed=3", "every"} {
		if _, err := parseFaults(bad); err == nil || !strings.HasPrefix(err.Error(), "faults: ") {
			t.Errorf("parseFaults(%q) = %v, want a clear error", bad, err)
		}
	}
	if _, err := Start(t.Context(), Config{Faults: "every=x"}); err == nil {
		t.Error("Start must refuse a bad fault spec")
	}
}

func TestFaultsEveryNth(t *testing.T) {
	em := startEmulator(t, Config{Faults: "every=2,kinds=429+503+html+truncate+reset,host=graph.microsoft.com"})
	c := em.HTTPClient()
	// A fresh connection per request: Go retries a GET on a reused connection that was reset.
	c.Transport.(*http.Transport).DisableKeepAlives = true
	u := "https://graph.microsoft.com/v1.0/me"
	kinds := []string{}
	for i := 0; i < 10; i++ {
		resp, err := c.Get(u)
		if err != nil {
			kinds = append(kinds, "error")
			continue
		}
		body, rerr := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch {
		case rerr != nil:
			kinds = append(kinds, "truncated")
		case resp.StatusCode == 429 && resp.Header.Get("Retry-After") != "":
			kinds = append(kinds, "429")
		case resp.StatusCode == 503 && resp.Header.Get("Retry-After") != "":
			kinds = append(kinds, "503")
		case resp.StatusCode == 502 && strings.Contains(string(body), "<html>"):
			kinds = append(kinds, "html")
		default:
			kinds = append(kinds, "ok")
		}
	}
	want := "ok 429 ok 503 ok html ok truncated ok error"
	if got := strings.Join(kinds, " "); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	// Other hosts are not affected by a host-scoped spec.
	for i := 0; i < 4; i++ {
		if st, _ := fixture.GetJSON(t, c, "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration"); st != 200 {
			t.Fatalf("login host faulted: %d", st)
		}
	}
}

func TestLatencyIsAdded(t *testing.T) {
	var log testenv.Buffer
	em := startEmulator(t, Config{Latency: 50 * time.Millisecond, Log: &log})
	if st, _ := fixture.GetJSON(t, em.HTTPClient(), "https://login.microsoftonline.com/common/discovery/v2.0/keys"); st != 200 {
		t.Fatalf("status %d", st)
	}
	_ = em.Close()
	var entry map[string]any
	if err := json.Unmarshal([]byte(strings.TrimSpace(log.String())), &entry); err != nil {
		t.Fatalf("log: %v %q", err, log.String())
	}
	if ms, _ := entry["ms"].(float64); ms < 50 {
		t.Errorf("request took %v ms in the emulator, want at least the 50 ms latency", ms)
	}
}
