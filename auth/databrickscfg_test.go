package auth

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sampleCfg = `; The profile defined in the DEFAULT section is to be used as a fallback when no profile is explicitly specified.
[DEFAULT]
host = https://default.cloud.databricks.com/

[dev]
host         = https://adb-1.2.azuredatabricks.net  ; written by databricks auth login
auth_type    = databricks-cli

[sp]
host          = adb-3.4.azuredatabricks.net
client_id     = "sp-app-id"
client_secret = dose#not-a-comment

[__settings__]
default_profile = dev
`

func TestDatabricksConfigResolution(t *testing.T) {
	path := filepath.Join(t.TempDir(), "databrickscfg")
	if err := os.WriteFile(path, []byte(sampleCfg), 0o600); err != nil {
		t.Fatal(err)
	}
	env := func(m map[string]string) func(string) string {
		m["DATABRICKS_CONFIG_FILE"] = path
		return func(k string) string { return m[k] }
	}
	c, err := LoadDatabricksConfig(env(map[string]string{}), DatabricksConfig{})
	if err != nil || c.Profile != "dev" || c.Host != "https://adb-1.2.azuredatabricks.net" || c.AuthType != "databricks-cli" {
		t.Fatalf("default_profile: %+v %v", c, err)
	}
	c, err = LoadDatabricksConfig(env(map[string]string{"DATABRICKS_CONFIG_PROFILE": "sp"}), DatabricksConfig{})
	if err != nil || c.Host != "https://adb-3.4.azuredatabricks.net" || c.ClientID != "sp-app-id" || c.ClientSecret != "dose#not-a-comment" {
		t.Fatalf("sp profile: %+v %v", c, err)
	}
	// An explicit profile beats the environment's; explicit values beat the file.
	c, err = LoadDatabricksConfig(env(map[string]string{"DATABRICKS_CONFIG_PROFILE": "sp"}), DatabricksConfig{Profile: "DEFAULT", Host: "https://x.example"})
	if err != nil || c.Host != "https://x.example" || c.Profile != "DEFAULT" {
		t.Fatalf("explicit: %+v %v", c, err)
	}
	// The environment alone: the file is skipped when no profile is named.
	c, err = LoadDatabricksConfig(env(map[string]string{"DATABRICKS_HOST": "adb-9.azuredatabricks.net/?o=9", "DATABRICKS_CLIENT_ID": "id", "DATABRICKS_CLIENT_SECRET": "s"}), DatabricksConfig{})
	if err != nil || c.Host != "https://adb-9.azuredatabricks.net" || c.Profile != "" || c.ClientID != "id" {
		t.Fatalf("env: %+v %v", c, err)
	}
	if _, err = LoadDatabricksConfig(env(map[string]string{}), DatabricksConfig{Profile: "nope"}); err == nil || !strings.Contains(err.Error(), "[nope]") {
		t.Fatalf("missing profile: %v", err)
	}
	if _, err = LoadDatabricksConfig(func(k string) string {
		return map[string]string{"DATABRICKS_CONFIG_FILE": filepath.Join(t.TempDir(), "none")}[k]
	}, DatabricksConfig{}); err == nil {
		t.Fatal("no host at all should be an error")
	}
}

// TestDatabricksAttributes: every attribute is read from its environment
// variable and from its profile key, as the Databricks SDK names them.
func TestDatabricksAttributes(t *testing.T) {
	want := DatabricksConfig{Host: "https://adb-1.azuredatabricks.net", ClientID: "c-id", ClientSecret: "c-secret", AuthType: "oauth-m2m",
		Token: "dapi1", AccountID: "acc", OIDCTokenFile: "/oidc", OIDCTokenEnv: "MY_OIDC", Audience: "aud",
		AzureClientID: "az-id", AzureClientSecret: "az-secret", AzureTenantID: "az-tenant", AzureResourceID: "/subscriptions/s"}
	env := map[string]string{"DATABRICKS_HOST": want.Host, "DATABRICKS_CLIENT_ID": want.ClientID, "DATABRICKS_CLIENT_SECRET": want.ClientSecret,
		"DATABRICKS_AUTH_TYPE": want.AuthType, "DATABRICKS_TOKEN": want.Token, "DATABRICKS_ACCOUNT_ID": want.AccountID,
		"DATABRICKS_OIDC_TOKEN_FILEPATH": want.OIDCTokenFile, "DATABRICKS_OIDC_TOKEN_ENV": want.OIDCTokenEnv,
		"DATABRICKS_TOKEN_AUDIENCE": want.Audience, "ARM_CLIENT_ID": want.AzureClientID, "ARM_CLIENT_SECRET": want.AzureClientSecret,
		"ARM_TENANT_ID": want.AzureTenantID, "DATABRICKS_AZURE_RESOURCE_ID": want.AzureResourceID,
		"DATABRICKS_CONFIG_FILE": filepath.Join(t.TempDir(), "none")}
	c, err := LoadDatabricksConfig(func(k string) string { return env[k] }, DatabricksConfig{})
	if err != nil || c != want {
		t.Fatalf("from the environment:\n%+v\nwant\n%+v (%v)", c, want, err)
	}
	profile := "[p]\nhost = " + want.Host + "\nclient_id = c-id\nclient_secret = c-secret\nauth_type = oauth-m2m\ntoken = dapi1\n" +
		"account_id = acc\ndatabricks_id_token_filepath = /oidc\noidc_token_env = MY_OIDC\naudience = aud\nazure_client_id = az-id\n" +
		"azure_client_secret = az-secret\nazure_tenant_id = az-tenant\nazure_workspace_resource_id = /subscriptions/s\n"
	path := filepath.Join(t.TempDir(), "databrickscfg")
	if err := os.WriteFile(path, []byte(profile), 0o600); err != nil {
		t.Fatal(err)
	}
	want.Profile = "p"
	c, err = LoadDatabricksConfig(func(k string) string {
		return map[string]string{"DATABRICKS_CONFIG_FILE": path, "DATABRICKS_CONFIG_PROFILE": "p"}[k]
	}, DatabricksConfig{})
	if err != nil || c != want {
		t.Fatalf("from the profile:\n%+v\nwant\n%+v (%v)", c, want, err)
	}
}
