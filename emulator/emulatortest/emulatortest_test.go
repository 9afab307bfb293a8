package emulatortest_test

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/emulatortest"
)

// TestStartAppEnv: the emulator listens on loopback only, a client set up
// from Env alone reaches Entra through its proxy with TLS verified, and App
// finds the world's apps.
func TestStartAppEnv(t *testing.T) {
	em := emulatortest.Start(t, emulator.Config{Groups: 1})
	for _, u := range []string{em.DirectURL(), "https://" + em.ProxyURL().Host} {
		host, _, err := net.SplitHostPort(strings.TrimPrefix(u, "https://"))
		if err != nil || host != "127.0.0.1" {
			t.Errorf("%s does not listen on 127.0.0.1", u)
		}
	}
	if a := emulatortest.App(t, em, "reader-app"); a.ClientID == "" || a.Name != "reader-app" {
		t.Errorf("reader-app: %+v", a)
	}
	env := map[string]string{}
	for _, kv := range emulatortest.Env(t, em) {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	pem, err := os.ReadFile(env["SSL_CERT_FILE"])
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		t.Fatal("SSL_CERT_FILE holds no certificate")
	}
	proxy, err := url.Parse(env["HTTPS_PROXY"])
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy), TLSClientConfig: &tls.Config{RootCAs: roots}}}
	resp, err := c.Get("https://login.microsoftonline.com/" + em.World().TenantID + "/v2.0/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("discovery through the proxy: %d", resp.StatusCode)
	}
}

func TestReadEnvFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.env")
	body := "# a comment\nexport A=plain\n  export B='it'\\''s quoted'\n# export C=off\nD=no-export\nexport E=''\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	got := emulatortest.EnvFile(t, path)
	if want := []string{"A=plain", "B=it's quoted", "E="}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if _, err := emulatortest.ReadEnvFile(filepath.Join(t.TempDir(), "missing.env")); err == nil {
		t.Error("a missing file read without an error")
	}
}

// What the emulator writes reads back: the app's secret in APP.env.
func TestReadEnvFileOfTheEmulator(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "em")
	em := emulatortest.Start(t, emulator.Config{Groups: 1, Dir: dir})
	a := emulatortest.App(t, em, "reader-app")
	got := emulatortest.EnvFile(t, filepath.Join(dir, "reader-app.env"))
	if !slices.Contains(got, "AZURE_CLIENT_SECRET="+a.ClientSecret) || !slices.Contains(got, "AZURE_CLIENT_ID="+a.ClientID) {
		t.Errorf("reader-app.env reads as %q", got)
	}
}
