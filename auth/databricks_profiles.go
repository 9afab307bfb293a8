package auth

import (
	"cmp"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// DatabricksProfile is one profile of ~/.databrickscfg as `databricks auth
// profiles` lists it: where it points and how it signs in, never a secret.
type DatabricksProfile struct {
	Name      string `json:"name"`
	Host      string `json:"host,omitempty"`
	AccountID string `json:"accountId,omitempty"`
	AuthType  string `json:"authType,omitempty"` // auth_type as written, else what its keys imply
	Default   bool   `json:"default,omitempty"`  // the profile used when none is named
}

// databricksConfigPath is the Databricks CLI's config file:
// $DATABRICKS_CONFIG_FILE, else ~/.databrickscfg.
func databricksConfigPath(getenv func(string) string) string {
	if path := getenv("DATABRICKS_CONFIG_FILE"); path != "" {
		return path
	}
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return filepath.Join(home, ".databrickscfg")
}

// DatabricksProfiles lists the profiles of the Databricks CLI's config file
// (path says which file); no file is no profiles.
func DatabricksProfiles(getenv func(string) string) (path string, profiles []DatabricksProfile, err error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	path = databricksConfigPath(getenv)
	sections, err := readINI(path)
	if errors.Is(err, os.ErrNotExist) {
		return path, nil, nil
	}
	if err != nil {
		return path, nil, err
	}
	def := cmp.Or(getenv("DATABRICKS_CONFIG_PROFILE"), sections["__settings__"]["default_profile"], "DEFAULT")
	for name, sec := range sections {
		if name == "__settings__" {
			continue
		}
		p := DatabricksProfile{Name: name, AccountID: sec["account_id"], AuthType: profileAuthType(sec), Default: name == def}
		if sec["host"] != "" {
			p.Host = normalizeDatabricksHost(sec["host"])
		}
		profiles = append(profiles, p)
	}
	sort.Slice(profiles, func(i, j int) bool { return profiles[i].Name < profiles[j].Name })
	return path, profiles, nil
}

// profileAuthType names how a profile signs in, with the Databricks
// SDKs' auth type names: auth_type when set, else what its keys imply.
func profileAuthType(sec map[string]string) string {
	switch {
	case sec["auth_type"] != "":
		return strings.TrimSpace(sec["auth_type"])
	case sec["token"] != "":
		return "pat"
	case sec["azure_client_secret"] != "":
		return "azure-client-secret"
	case sec["client_secret"] != "":
		return "oauth-m2m"
	case sec["databricks_id_token_filepath"] != "":
		return "file-oidc"
	}
	return ""
}

// audienceOf is an access token's aud claim, "" for a token that is not a
// JWT (Databricks OAuth tokens may be opaque).
func audienceOf(token string) string {
	j, err := DecodeJWT(token)
	if err != nil {
		return ""
	}
	return j.StringClaim("aud")
}
