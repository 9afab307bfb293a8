package auth

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A PAT is used as is: from the option, DATABRICKS_TOKEN or the profile;
// never written to tokens.json; a missing one is one line naming where to put it.
func TestDatabricksPAT(t *testing.T) {
	home := t.TempDir()
	cfgFile := filepath.Join(home, ".databrickscfg")
	const profilePAT = "dapi0123456789abcdef0123456789abcdef"
	if err := os.WriteFile(cfgFile, []byte("[ws]\nhost = https://adb-1.2.azuredatabricks.net\ntoken = "+profilePAT+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var learned []string
	env := map[string]string{"DATABRICKS_CONFIG_FILE": cfgFile, "DATABRICKS_HOST": "https://adb-9.9.azuredatabricks.net", "DATABRICKS_TOKEN": "dapi-from-env-0000000000000000000"}
	s, err := NewSession(Config{Home: home, Getenv: func(k string) string { return env[k] }, Secret: func(v string) { learned = append(learned, v) }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tok, _, err := s.DatabricksToken(ctx, DatabricksOptions{})
	if err != nil || tok.AccessToken != env["DATABRICKS_TOKEN"] || tok.Account.Source != "env DATABRICKS_TOKEN" {
		t.Fatalf("env PAT: %v %+v", err, tok)
	}
	// A named profile with DATABRICKS_HOST and DATABRICKS_TOKEN set: the
	// environment wins for both, as in the SDKs.
	tok, cfg, err := s.DatabricksToken(ctx, DatabricksOptions{Profile: "ws", Flow: "pat"})
	if err != nil || cfg.Host != "https://adb-9.9.azuredatabricks.net" || tok.AccessToken != env["DATABRICKS_TOKEN"] {
		t.Fatalf("profile: %v %v", err, cfg.Host)
	}
	delete(env, "DATABRICKS_TOKEN")
	delete(env, "DATABRICKS_HOST")
	tok, _, err = s.DatabricksToken(ctx, DatabricksOptions{Profile: "ws"})
	if err != nil || tok.AccessToken != profilePAT || !strings.Contains(tok.Account.Source, "profile [ws]") {
		t.Fatalf("profile PAT: %v %+v", err, tok)
	}
	if len(learned) < 3 {
		t.Error("the PATs were not handed to the trace's masking")
	}
	if b, err := os.ReadFile(filepath.Join(home, "tokens.json")); err == nil && strings.Contains(string(b), "dapi") {
		t.Error("a PAT is in tokens.json")
	}
	_, _, err = s.DatabricksToken(ctx, DatabricksOptions{Host: "https://adb-9.9.azuredatabricks.net", Flow: "pat"})
	if err == nil || err.Error() != "databricks PAT: pass token, set DATABRICKS_TOKEN, or add token to a ~/.databrickscfg profile" {
		t.Errorf("no PAT: %v", err)
	}
}
