package auth

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// DatabricksConfig is where and how to reach one Databricks host.
type DatabricksConfig struct {
	Host         string // https://adb-....azuredatabricks.net (normalised, no trailing slash)
	ClientID     string // service principal (M2M); empty for U2M
	ClientSecret string
	Profile      string // the ~/.databrickscfg profile used, if any
	AuthType     string // auth_type from the profile, if any
	Token        string // a personal access token (DATABRICKS_TOKEN, the profile's token)
	AccountID    string // account-level host: the account (DATABRICKS_ACCOUNT_ID, account_id)
	// Workload identity federation (the SDK's file-oidc / env-oidc / github-oidc).
	OIDCTokenFile string // DATABRICKS_OIDC_TOKEN_FILEPATH, databricks_id_token_filepath
	OIDCTokenEnv  string // DATABRICKS_OIDC_TOKEN_ENV, oidc_token_env: the variable holding the token (default DATABRICKS_OIDC_TOKEN)
	Audience      string // DATABRICKS_TOKEN_AUDIENCE, audience: of the OIDC token
	// An Entra service principal (the SDK's azure-client-secret).
	AzureClientID     string // ARM_CLIENT_ID, azure_client_id
	AzureClientSecret string // ARM_CLIENT_SECRET, azure_client_secret
	AzureTenantID     string // ARM_TENANT_ID, azure_tenant_id
	AzureResourceID   string // DATABRICKS_AZURE_RESOURCE_ID, azure_workspace_resource_id
}

// LoadDatabricksConfig resolves a host and credentials the way the
// Databricks SDKs do (databricks.md §6.2): explicit values win, then
// DATABRICKS_* variables, then the profile of ~/.databrickscfg
// (DATABRICKS_CONFIG_FILE) named by profile, DATABRICKS_CONFIG_PROFILE,
// [__settings__].default_profile or DEFAULT. The file is skipped when no
// profile is named and the environment already sets the host or a credential.
func LoadDatabricksConfig(getenv func(string) string, explicit DatabricksConfig) (DatabricksConfig, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	c := explicit
	c.Host = firstNonEmpty(c.Host, getenv("DATABRICKS_HOST"))
	c.ClientID = firstNonEmpty(c.ClientID, getenv("DATABRICKS_CLIENT_ID"))
	c.ClientSecret = firstNonEmpty(c.ClientSecret, getenv("DATABRICKS_CLIENT_SECRET"))
	c.Token = firstNonEmpty(c.Token, getenv("DATABRICKS_TOKEN"))
	c.AccountID = firstNonEmpty(c.AccountID, getenv("DATABRICKS_ACCOUNT_ID"))
	c.OIDCTokenFile = firstNonEmpty(c.OIDCTokenFile, getenv("DATABRICKS_OIDC_TOKEN_FILEPATH"))
	c.OIDCTokenEnv = firstNonEmpty(c.OIDCTokenEnv, getenv("DATABRICKS_OIDC_TOKEN_ENV"))
	c.Audience = firstNonEmpty(c.Audience, getenv("DATABRICKS_TOKEN_AUDIENCE"))
	c.AuthType = firstNonEmpty(c.AuthType, getenv("DATABRICKS_AUTH_TYPE"))
	c.AzureClientID = firstNonEmpty(c.AzureClientID, getenv("ARM_CLIENT_ID"))
	c.AzureClientSecret = firstNonEmpty(c.AzureClientSecret, getenv("ARM_CLIENT_SECRET"))
	c.AzureTenantID = firstNonEmpty(c.AzureTenantID, getenv("ARM_TENANT_ID"))
	c.AzureResourceID = firstNonEmpty(c.AzureResourceID, getenv("DATABRICKS_AZURE_RESOURCE_ID"))
	profile := firstNonEmpty(c.Profile, getenv("DATABRICKS_CONFIG_PROFILE"))
	skipFile := profile == "" && (c.Host != "" || c.ClientID != "")
	if !skipFile {
		path := getenv("DATABRICKS_CONFIG_FILE")
		if path == "" {
			home := getenv("HOME")
			if home == "" {
				home, _ = os.UserHomeDir()
			}
			path = filepath.Join(home, ".databrickscfg")
		}
		sections, err := readINI(path)
		if err != nil && !(errors.Is(err, os.ErrNotExist) && profile == "") {
			return c, fmt.Errorf("databricks config: %w", err)
		}
		if profile == "" {
			profile = firstNonEmpty(sections["__settings__"]["default_profile"], "DEFAULT")
		}
		if profile == "__settings__" {
			return c, errors.New("databricks config: __settings__ is not a profile")
		}
		sec, ok := sections[profile]
		if !ok && c.Profile != "" {
			return c, fmt.Errorf("databricks config: no profile [%s] in %s", profile, path)
		}
		if ok {
			c.Profile = profile
			c.Host = firstNonEmpty(c.Host, sec["host"])
			c.ClientID = firstNonEmpty(c.ClientID, sec["client_id"])
			c.ClientSecret = firstNonEmpty(c.ClientSecret, sec["client_secret"])
			c.Token = firstNonEmpty(c.Token, sec["token"])
			c.AccountID = firstNonEmpty(c.AccountID, sec["account_id"])
			c.AuthType = firstNonEmpty(c.AuthType, sec["auth_type"])
			c.OIDCTokenFile = firstNonEmpty(c.OIDCTokenFile, sec["databricks_id_token_filepath"])
			c.OIDCTokenEnv = firstNonEmpty(c.OIDCTokenEnv, sec["oidc_token_env"])
			c.Audience = firstNonEmpty(c.Audience, sec["audience"])
			c.AzureClientID = firstNonEmpty(c.AzureClientID, sec["azure_client_id"])
			c.AzureClientSecret = firstNonEmpty(c.AzureClientSecret, sec["azure_client_secret"])
			c.AzureTenantID = firstNonEmpty(c.AzureTenantID, sec["azure_tenant_id"])
			c.AzureResourceID = firstNonEmpty(c.AzureResourceID, sec["azure_workspace_resource_id"])
		}
	}
	if c.Host == "" {
		return c, errors.New("no Databricks host: pass host, set DATABRICKS_HOST, or add host to a ~/.databrickscfg profile")
	}
	c.Host = normalizeDatabricksHost(c.Host)
	if !strings.HasPrefix(c.Host, "https://") {
		return c, fmt.Errorf("%w: Databricks host %s: https only (the token and client secret would cross the network in clear)", ErrRefused, c.Host)
	}
	return c, nil
}

func normalizeDatabricksHost(h string) string {
	h = strings.TrimSpace(h)
	if !strings.Contains(h, "://") {
		h = "https://" + h
	}
	if i := strings.IndexAny(h[strings.Index(h, "://")+3:], "/?#"); i >= 0 {
		h = h[:strings.Index(h, "://")+3+i]
	}
	return strings.ToLower(h)
}

// readINI parses the subset of INI that .databrickscfg uses: [sections],
// key = value, ; and # comments (also after a value, preceded by a space),
// optional quotes around values.
func readINI(path string) (map[string]map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return map[string]map[string]string{}, err
	}
	defer f.Close()
	out := map[string]map[string]string{}
	cur := "DEFAULT"
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if line == "" || line[0] == ';' || line[0] == '#' {
			continue
		}
		if line[0] == '[' {
			end := strings.IndexByte(line, ']')
			if end < 0 {
				return nil, fmt.Errorf("%s:%d: unclosed section", path, n)
			}
			cur = strings.TrimSpace(line[1:end])
			if out[cur] == nil {
				out[cur] = map[string]string{}
			}
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("%s:%d: expected key = value", path, n)
		}
		v = strings.TrimSpace(v)
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && strings.IndexByte(v[1:], v[0]) >= 0 {
			v = v[1 : 1+strings.IndexByte(v[1:], v[0])]
		} else {
			for _, m := range []string{" ;", " #", "\t;", "\t#"} {
				if i := strings.Index(v, m); i >= 0 {
					v = strings.TrimSpace(v[:i])
				}
			}
		}
		if out[cur] == nil {
			out[cur] = map[string]string{}
		}
		out[cur][strings.ToLower(strings.TrimSpace(k))] = v
	}
	return out, sc.Err()
}
