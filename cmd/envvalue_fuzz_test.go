package cmd

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzEnvValue: what checkEnvValue accepts is what each variable holds,
// checked here by other means (a GUID by its positions, a host by net/url,
// a token by its bytes); a refusal is one printable line, and never shows
// a token it refuses.
func FuzzEnvValue(f *testing.F) {
	for _, v := range hostileValues {
		f.Add(v)
	}
	f.Add("72f988bf-86f1-41af-91ab-2d7cd011db47")
	f.Add("https://adb-1234567890123456.7.azuredatabricks.net")
	f.Add("https://h.example:8443")
	f.Add("dapi0123456789abcdef0123456789abcdef'")
	f.Fuzz(func(t *testing.T, v string) {
		for _, name := range []string{"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "DATABRICKS_HOST", "DATABRICKS_TOKEN"} {
			err := checkEnvValue(name, v)
			if err != nil {
				msg := err.Error()
				if !utf8.ValidString(msg) || strings.ContainsFunc(msg, func(r rune) bool { return r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 }) {
					t.Errorf("%s=%q: the refusal %q is not one printable line", name, v, msg)
				}
				if name == "DATABRICKS_TOKEN" && len(v) >= 8 && strings.Contains(msg, v[:8]) && !strings.Contains(checkEnvValue(name, "\x00").Error(), v[:8]) {
					t.Errorf("DATABRICKS_TOKEN=%q: the refusal shows the token: %q", v, msg)
				}
				continue
			}
			if !acceptable(name, v) {
				t.Errorf("%s=%q accepted", name, v)
			}
		}
	})
}

// acceptable is the oracle: what each variable may hold.
func acceptable(name, v string) bool {
	switch name {
	case "AZURE_TENANT_ID", "AZURE_CLIENT_ID":
		if len(v) != 36 {
			return false
		}
		for i, c := range []byte(v) {
			if i == 8 || i == 13 || i == 18 || i == 23 {
				if c != '-' {
					return false
				}
			} else if !strings.ContainsRune("0123456789abcdefABCDEF", rune(c)) {
				return false
			}
		}
		return true
	case "DATABRICKS_HOST":
		u, err := url.Parse(v)
		return err == nil && u.Scheme == "https" && u.User == nil && u.Path == "" && u.RawQuery == "" && !u.ForceQuery &&
			u.Fragment == "" && u.Opaque == "" && "https://"+u.Host == v && u.Hostname() != "" &&
			strings.Trim(u.Hostname(), "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") == ""
	case "DATABRICKS_TOKEN":
		return v != "" && strings.Trim(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._~+/=-") == ""
	}
	return true
}
