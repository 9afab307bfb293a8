package auth

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"reflect"
	"strings"

	"github.com/azrepl/azrepl/internal/safefile"
)

// DatabricksConfig is where and how to reach one Databricks host. Each
// attribute names its environment variable and its ~/.databrickscfg key in
// its tags (the Databricks SDK for Go's config.Config declares them so).
type DatabricksConfig struct {
	Host         string `env:"DATABRICKS_HOST" profile:"host"`           // https://adb-....azuredatabricks.net (normalised, no trailing slash)
	ClientID     string `env:"DATABRICKS_CLIENT_ID" profile:"client_id"` // service principal (M2M); empty for U2M
	ClientSecret string `env:"DATABRICKS_CLIENT_SECRET" profile:"client_secret"`
	Profile      string // the ~/.databrickscfg profile used, if any (DATABRICKS_CONFIG_PROFILE)
	AuthType     string `env:"DATABRICKS_AUTH_TYPE" profile:"auth_type"`
	Token        string `env:"DATABRICKS_TOKEN" profile:"token"`           // a personal access token
	AccountID    string `env:"DATABRICKS_ACCOUNT_ID" profile:"account_id"` // account-level host: the account
	// Workload identity federation (the SDK's file-oidc / env-oidc / github-oidc).
	OIDCTokenFile string `env:"DATABRICKS_OIDC_TOKEN_FILEPATH" profile:"databricks_id_token_filepath"`
	OIDCTokenEnv  string `env:"DATABRICKS_OIDC_TOKEN_ENV" profile:"oidc_token_env"` // the variable holding the token (default DATABRICKS_OIDC_TOKEN)
	Audience      string `env:"DATABRICKS_TOKEN_AUDIENCE" profile:"audience"`       // of the OIDC token
	// An Entra service principal (the SDK's azure-client-secret).
	AzureClientID     string `env:"ARM_CLIENT_ID" profile:"azure_client_id"`
	AzureClientSecret string `env:"ARM_CLIENT_SECRET" profile:"azure_client_secret"`
	AzureTenantID     string `env:"ARM_TENANT_ID" profile:"azure_tenant_id"`
	AzureResourceID   string `env:"DATABRICKS_AZURE_RESOURCE_ID" profile:"azure_workspace_resource_id"`
	// Flow is the flow DatabricksToken used (pat, u2m, m2m, azure…): the one
	// named, else the one the chain picked.
	Flow string
}

// fill sets each attribute still empty from lookup of its name under tag
// ("env" or "profile").
func (c *DatabricksConfig) fill(tag string, lookup func(string) string) {
	v := reflect.ValueOf(c).Elem()
	for i := range v.NumField() {
		if name := v.Type().Field(i).Tag.Get(tag); name != "" && v.Field(i).String() == "" {
			v.Field(i).SetString(lookup(name))
		}
	}
}

// LoadDatabricksConfig resolves a host and credentials the way the
// Databricks SDKs do (https://learn.microsoft.com/azure/databricks/dev-tools/auth/unified-auth): explicit values win, then
// DATABRICKS_* variables, then the profile of ~/.databrickscfg
// (DATABRICKS_CONFIG_FILE) named by profile, DATABRICKS_CONFIG_PROFILE,
// [__settings__].default_profile or DEFAULT. The file is skipped when no
// profile is named and the environment already sets the host or a credential.
func LoadDatabricksConfig(getenv func(string) string, explicit DatabricksConfig) (DatabricksConfig, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	c := explicit
	c.fill("env", getenv)
	profile := cmp.Or(c.Profile, getenv("DATABRICKS_CONFIG_PROFILE"))
	skipFile := profile == "" && (c.Host != "" || c.ClientID != "")
	if !skipFile {
		path := databricksConfigPath(getenv)
		sections, err := readINI(path)
		if err != nil && !(errors.Is(err, os.ErrNotExist) && profile == "") {
			return c, fmt.Errorf("databricks config: %w", err)
		}
		if profile == "" {
			profile = cmp.Or(sections["__settings__"]["default_profile"], "DEFAULT")
		}
		if profile == "__settings__" {
			return c, errors.New("databricks config: __settings__ is not a profile")
		}
		sec, ok := sections[profile]
		if !ok && c.Profile != "" {
			return c, fmt.Errorf("databricks config: no profile [%s] in %s", profile, path)
		}
		if ok {
			if err := profileCredentialsHost(c, sec, profile); err != nil {
				return c, err
			}
			c.Profile = profile
			c.fill("profile", func(key string) string { return sec[key] })
		}
	}
	if c.Host == "" {
		return c, errors.New("no Databricks host: pass host, set DATABRICKS_HOST, or add host to a ~/.databrickscfg profile")
	}
	c.Host = normalizeDatabricksHost(c.Host)
	if !strings.HasPrefix(c.Host, "https://") {
		return c, fmt.Errorf("%w: Databricks host %s: https only (the token and client secret would cross the network in clear)", ErrRefused, c.Host)
	}
	if u, err := url.Parse(c.Host); err != nil || u.Hostname() == "" {
		return c, fmt.Errorf("databricks: host %q names no host name", c.Host)
	}
	return c, nil
}

// profileCredentialsHost refuses a host other than a profile's own when the
// profile would supply a credential: a PAT, a client secret or an OIDC token
// saved for one workspace must not go to another named beside it.
func profileCredentialsHost(c DatabricksConfig, sec map[string]string, profile string) error {
	own := sec["host"]
	if own == "" || c.Host == "" || normalizeDatabricksHost(own) == normalizeDatabricksHost(c.Host) {
		return nil
	}
	for _, k := range []struct{ key, have string }{
		{"token", c.Token}, {"client_secret", c.ClientSecret}, {"azure_client_secret", c.AzureClientSecret},
		{"databricks_id_token_filepath", c.OIDCTokenFile}, {"oidc_token_env", c.OIDCTokenEnv},
	} {
		if sec[k.key] != "" && k.have == "" {
			return fmt.Errorf("%w: databricks: host %s is not the host %s of profile [%s], whose %s goes only to its own host: drop host or profile",
				ErrRefused, normalizeDatabricksHost(c.Host), normalizeDatabricksHost(own), profile, k.key)
		}
	}
	return nil
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
	f, err := safefile.Open(path, maxProfileFile)
	if err != nil {
		return map[string]map[string]string{}, err
	}
	defer f.Close()
	out := map[string]map[string]string{}
	cur := "DEFAULT"
	sc := bufio.NewScanner(io.LimitReader(f, maxProfileFile))
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
