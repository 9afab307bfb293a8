package auth

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzProfileHost: a ~/.databrickscfg profile's token goes only to the
// profile's own host, whatever host is named beside the profile. The
// oracle compares origins (scheme and host:port) parsed by net/url, not
// azrepl's host normalization.
func FuzzProfileHost(f *testing.F) {
	f.Add("https://adb-1.7.azuredatabricks.net", "https://adb-1.7.azuredatabricks.net/")
	f.Add("adb-1.7.azuredatabricks.net", "https://ADB-1.7.azuredatabricks.net/?o=1")
	f.Add("https://adb-1.7.azuredatabricks.net", "https://evil.example")
	f.Add("https://good.example", "https://good.example@evil.example")
	f.Add("https://good.example", "https://good.example.evil.example")
	f.Add("https://good.example:443", "https://good.example")
	path := filepath.Join(f.TempDir(), "databrickscfg")
	const secret = "dapi-profile-secret"
	f.Fuzz(func(t *testing.T, own, asked string) {
		if own != strings.TrimSpace(own) || strings.ContainsAny(own, ";#[]'\"") || own == "" ||
			strings.ContainsFunc(own, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			return // not a value an INI line holds as is (the profile is the user's own file)
		}
		if err := os.WriteFile(path, []byte("[p]\nhost = "+own+"\ntoken = "+secret+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		getenv := func(k string) string { return map[string]string{"DATABRICKS_CONFIG_FILE": path}[k] }
		c, err := LoadDatabricksConfig(getenv, DatabricksConfig{Host: asked, Profile: "p"})
		if err != nil || c.Token != secret {
			return
		}
		if o, ok := origin(own); !ok || o != mustOrigin(t, c.Host) {
			t.Fatalf("profile host %q, host %q: the profile's token goes to %q", own, asked, c.Host)
		}
	})
}

// origin is scheme://host:port of a Databricks host as the SDKs read it
// (no scheme means https), the default port made explicit.
func origin(h string) (string, bool) {
	h = strings.TrimSpace(h)
	if !strings.Contains(h, "://") {
		h = "https://" + h
	}
	u, err := url.Parse(h)
	if err != nil || u.Host == "" {
		return "", false
	}
	port := u.Port()
	if port == "" && strings.EqualFold(u.Scheme, "https") {
		port = "443"
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Hostname()) + ":" + port, true
}

func mustOrigin(t *testing.T, h string) string {
	o, ok := origin(h)
	if !ok {
		t.Fatalf("the token goes to %q, which is no URL", h)
	}
	return o
}
