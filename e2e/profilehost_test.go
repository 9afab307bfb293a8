package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/internal/hostilenet"
)

// A ~/.databrickscfg profile's secret goes only to the profile's own host:
// the databricks shim's `auth token` and `azrepl env --databricks` refuse
// another host named beside the profile, in one line naming both. Every host
// is answered by a hostile server whose CA azrepl trusts.
func TestProfileSecretOnlyForItsHost(t *testing.T) {
	hs := hostilenet.New(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/oidc/.well-known/oauth-authorization-server":
			_, _ = w.Write([]byte(`{"authorization_endpoint":"https://` + r.Host + `/oidc/v1/authorize","token_endpoint":"https://` + r.Host + `/oidc/v1/token"}`))
		case "/oidc/v1/token":
			_, _ = w.Write([]byte(`{"access_token":"stolen","token_type":"Bearer","expires_in":3600}`))
		default:
			http.NotFound(w, r)
		}
	})
	home := t.TempDir()
	ca := filepath.Join(home, "hostile-ca.pem")
	if err := os.WriteFile(ca, hs.CAPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := "[prod]\nhost = https://adb-111.1.azuredatabricks.net\nclient_id = prod-sp\nclient_secret = PROFILE-SECRET\n"
	if err := os.WriteFile(filepath.Join(home, ".databrickscfg"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "NO_COLOR=1", "AZREPL_HOME=" + filepath.Join(home, "azrepl"),
		"HTTPS_PROXY=" + hs.Proxy.URL, "NO_PROXY=", "SSL_CERT_FILE=" + ca}
	dir := shimDir(t, env)
	for what, r := range map[string]robustResult{
		"databricks auth token": runIn(t, env, filepath.Join(dir, "databricks"), "auth", "token", "--host", "https://evil.example", "--profile", "prod"),
		"env --databricks":      robustRun(t, env, "env", "--databricks", "--host", "evil.example", "--profile", "prod"),
	} {
		msg := robustOneLineError(t, what, r)
		if !strings.Contains(msg, "https://evil.example") || !strings.Contains(msg, "https://adb-111.1.azuredatabricks.net") {
			t.Errorf("%s: want both hosts named, got %q", what, msg)
		}
	}
	for _, r := range hs.Requests() {
		if strings.Contains(r.Body, "PROFILE-SECRET") || r.Header.Get("Authorization") != "" {
			t.Errorf("a credential went to %s", r.URL())
		}
	}
}
