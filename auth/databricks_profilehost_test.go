package auth

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/internal/hostilenet"
)

// databricksAnywhere answers as a Databricks workspace at every host name:
// discovery names that host's own endpoints, the token endpoint gives a
// token to any client.
func databricksAnywhere(t *testing.T) *hostilenet.Server {
	return hostilenet.New(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/oidc/.well-known/oauth-authorization-server":
			writeJSON(w, 200, map[string]string{"authorization_endpoint": "https://" + r.Host + "/oidc/v1/authorize",
				"token_endpoint": "https://" + r.Host + "/oidc/v1/token"})
		case "/oidc/v1/token":
			writeJSON(w, 200, map[string]any{"access_token": "dbx-token", "token_type": "Bearer", "expires_in": 3600, "scope": "all-apis"})
		default:
			http.NotFound(w, r)
		}
	})
}

// profileCfg holds a service principal's secret and a PAT, each for its
// own workspace.
const profileCfg = `[prod]
host          = https://adb-111.1.azuredatabricks.net
client_id     = prod-sp
client_secret = PROFILE-SECRET

[pat]
host  = adb-222.2.azuredatabricks.net
token = dapiPROFILEPAT

[azsp]
host                = https://adb-333.3.azuredatabricks.net
azure_client_id     = az-sp
azure_client_secret = PROFILE-AZ-SECRET
azure_tenant_id     = ` + testTID + `

[hostonly]
host = https://adb-444.4.azuredatabricks.net
`

func TestProfileCredentialsOnlyForTheirHost(t *testing.T) {
	hs := databricksAnywhere(t)
	cfgFile := filepath.Join(t.TempDir(), "databrickscfg")
	if err := os.WriteFile(cfgFile, []byte(profileCfg), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"DATABRICKS_CONFIG_FILE": cfgFile}
	s, err := NewSession(Config{HTTP: victimClient(hs), Home: t.TempDir(), Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, c := range []struct{ profile, own string }{
		{"prod", "https://adb-111.1.azuredatabricks.net"},
		{"pat", "https://adb-222.2.azuredatabricks.net"},
		{"azsp", "https://adb-333.3.azuredatabricks.net"},
	} {
		for _, o := range []DatabricksOptions{
			{Host: "https://evil.example", Profile: c.profile},
			{Host: "evil.example/some/path", Profile: c.profile, Force: true},
		} {
			_, _, err := s.DatabricksToken(ctx, o)
			if !errors.Is(err, ErrRefused) {
				t.Fatalf("profile %s with host %s: want a refusal, got %v", c.profile, o.Host, err)
			}
			if msg := err.Error(); !strings.Contains(msg, "https://evil.example") || !strings.Contains(msg, c.own) || strings.Contains(msg, "\n") {
				t.Errorf("profile %s: want one line naming both hosts, got %q", c.profile, msg)
			}
		}
		// The same through the environment (DATABRICKS_CONFIG_PROFILE, DATABRICKS_HOST).
		env["DATABRICKS_CONFIG_PROFILE"], env["DATABRICKS_HOST"] = c.profile, "https://evil.example"
		if _, err := LoadDatabricksConfig(func(k string) string { return env[k] }, DatabricksConfig{}); !errors.Is(err, ErrRefused) {
			t.Errorf("profile %s from the environment with DATABRICKS_HOST elsewhere: %v", c.profile, err)
		}
		delete(env, "DATABRICKS_CONFIG_PROFILE")
		delete(env, "DATABRICKS_HOST")
	}
	for _, r := range hs.Requests() {
		if strings.Contains(r.Body, "SECRET") || strings.Contains(r.Header.Get("Authorization"), "Basic") || strings.Contains(r.Header.Get("Authorization"), "dapi") {
			t.Errorf("a profile's credential left for %s", r.URL())
		}
	}

	// Its own host, spelt another way, is the profile's; a profile with no
	// credential lends only its settings; credentials passed explicitly are
	// not the profile's.
	tok, _, err := s.DatabricksToken(ctx, DatabricksOptions{Host: "ADB-222.2.azuredatabricks.net/", Profile: "pat"})
	if err != nil || tok.AccessToken != "dapiPROFILEPAT" {
		t.Fatalf("PAT profile at its own host: %+v, %v", tok, err)
	}
	if c, err := LoadDatabricksConfig(func(k string) string { return env[k] }, DatabricksConfig{Host: "https://adb-555.5.azuredatabricks.net", Profile: "hostonly"}); err != nil || c.Host != "https://adb-555.5.azuredatabricks.net" {
		t.Fatalf("profile without credentials: %+v, %v", c, err)
	}
	if c, err := LoadDatabricksConfig(func(k string) string { return env[k] }, DatabricksConfig{Host: "https://adb-555.5.azuredatabricks.net", Profile: "pat", Token: "dapiEXPLICIT"}); err != nil || c.Token != "dapiEXPLICIT" {
		t.Fatalf("explicit token beside a profile: %+v, %v", c, err)
	}
}
