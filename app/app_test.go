package app

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestWithDefaultsKeepsWhatIsSet(t *testing.T) {
	got := withDefaults([]string{"A=1", "B="}, []string{"A=x", "B=y", "C=3"})
	want := []string{"A=1", "B=", "C=3"}
	if !slices.Equal(got, want) {
		t.Errorf("withDefaults = %v, want %v", got, want)
	}
}

func TestGetenvLastWins(t *testing.T) {
	s := &Services{Environ: []string{"X=1", "XY=2", "X=3"}}
	if v := s.Getenv("X"); v != "3" {
		t.Errorf("Getenv(X) = %q", v)
	}
	if v := s.Getenv("Z"); v != "" {
		t.Errorf("Getenv(Z) = %q", v)
	}
}

func TestBrowserCommand(t *testing.T) {
	u := "https://microsoft.com/devicelogin?a=1&b=2"
	cases := map[string][]string{
		"firefox":               {"firefox", u},
		"open -a Safari %s":     {"open", "-a", "Safari", u},
		"chromium --app=%s --x": {"chromium", "--app=" + u, "--x"},
		"w3m   ;rm -rf ~":       {"w3m", ";rm", "-rf", "~", u}, // no shell: the words are arguments
	}
	for spec, want := range cases {
		if got := browserCommand(spec, u); !slices.Equal(got, want) {
			t.Errorf("browserCommand(%q) = %q, want %q", spec, got, want)
		}
	}
}

func TestBrowserOpenerChoice(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	emulated := []string{"HTTPS_PROXY=http://127.0.0.1:1"}
	if browserOpener(env(nil), nil, io.Discard) != nil {
		t.Error("an opener without BROWSER and without a display")
	}
	if browserOpener(env(map[string]string{"DISPLAY": ":0"}), emulated, io.Discard) != nil {
		t.Error("the emulator must not open a desktop browser on the real cloud")
	}
	if browserOpener(env(map[string]string{"BROWSER": "true"}), emulated, io.Discard) == nil {
		t.Error("an explicit BROWSER is ignored with the emulator")
	}
}

// TestBrowserIsStartedNotAwaited: $BROWSER runs with the URL and the extra
// environment (the emulator's proxy), and the opener
// returns while the browser still runs.
func TestBrowserIsStartedNotAwaited(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "url")
	release := filepath.Join(dir, "release")
	script := filepath.Join(dir, "browser")
	body := "#!/bin/sh\necho \"$1 $HTTPS_PROXY\" > " + out + ".tmp && mv " + out + ".tmp " + out + "\nwhile [ ! -e " + release + " ] && [ -d " + dir + " ]; do sleep 0.05; done\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.WriteFile(release, nil, 0o600) })
	open := browserOpener(func(k string) string {
		if k == "BROWSER" {
			return script + ":firefox"
		}
		return ""
	}, []string{"HTTPS_PROXY=http://127.0.0.1:9"}, io.Discard)
	if err := open("https://example.test/x"); err != nil {
		t.Fatal(err)
	}
	// The opener has returned although the script waits for release.
	got := waitForFile(t, out)
	if strings.TrimSpace(got) != "https://example.test/x http://127.0.0.1:9" {
		t.Errorf("the browser got %q (want the URL and the emulator's proxy)", got)
	}
}

func waitForFile(t *testing.T, path string) string {
	t.Helper()
	for i := 0; i < 400; i++ {
		if b, err := os.ReadFile(path); err == nil {
			return string(b)
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("%s never appeared", path)
	return ""
}

func TestSetupWithoutEmulator(t *testing.T) {
	home := t.TempDir()
	s, err := Setup(context.Background(), Options{Stderr: io.Discard, Environ: []string{"AZREPL_HOME=" + home}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Home != home || s.Emulator != nil || s.HTTP == nil || s.Auth == nil {
		t.Errorf("services = %+v", s)
	}
	if slices.ContainsFunc(s.Environ, func(kv string) bool { return strings.HasPrefix(kv, "AZREPL_EMULATOR=") }) {
		t.Error("emulator defaults without the emulator")
	}
}

func TestSetupWithEmulator(t *testing.T) {
	var stderr strings.Builder
	dir := t.TempDir()
	s, err := Setup(context.Background(), Options{Emulator: true, Stderr: &stderr, EmulatorDir: dir,
		Environ: []string{"AZURE_CLIENT_ID=mine", "AZREPL_HOME=/should/not/be/used"}})
	if err != nil {
		t.Fatal(err)
	}
	w := s.Emulator.World()
	for _, kv := range []string{"AZURE_CLIENT_ID=mine", "AZURE_TENANT_ID=" + w.TenantID, "AZREPL_EMULATOR=1",
		"DATABRICKS_HOST=https://" + w.Databricks.Host, "DATABRICKS_CLIENT_ID=" + w.Databricks.ServicePrincipal.ClientID} {
		if !slices.Contains(s.Environ, kv) {
			t.Errorf("Environ lacks %s", kv)
		}
	}
	if s.Getenv("AZURE_CLIENT_SECRET") == "" {
		t.Error("no default AZURE_CLIENT_SECRET for the story app")
	}
	line := stderr.String()
	if strings.Count(line, "\n") != 1 || !strings.Contains(line, "emulator is running") ||
		!strings.Contains(line, "approved automatically as alice@") || !strings.Contains(line, filepath.Join(dir, "tenant.json")) {
		t.Errorf("start-up line: %q", line)
	}
	if s.Home == "/should/not/be/used" || !strings.Contains(filepath.Base(s.Home), "azrepl-emulator-home") {
		t.Errorf("emulator home = %s: emulator tokens must not mix with real ones", s.Home)
	}
	for _, secret := range worldSecrets(w) {
		if red := s.HTTP.Redact("x " + secret + " y"); strings.Contains(red, secret) {
			t.Error("a world secret is not registered for redaction")
		}
	}
	home := s.Home
	s.Close()
	if _, err := os.Stat(home); !os.IsNotExist(err) {
		t.Errorf("the per-run home %s survived Close: %v", home, err)
	}
	s.Close() // twice is fine
}

// Only an https:// URL reaches $BROWSER: a server-given "URL" such as
// "--renderer-cmd-prefix=…" or file:///etc/passwd is never a browser argument.
func TestBrowserOpensHTTPSOnly(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, "opened")
	script := filepath.Join(dir, "browser.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho \"$@\" >> "+marker+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	open := browserOpener(func(k string) string {
		if k == "BROWSER" {
			return script
		}
		return ""
	}, nil, io.Discard)
	for _, bad := range []string{"--renderer-cmd-prefix=touch /tmp/x", "file:///etc/passwd", "http://microsoft.com/devicelogin",
		"javascript:alert(1)", "https://microsoft.com/devicelogin --incognito", "https://a\x1b[2Jb"} {
		if err := open(bad); err == nil {
			t.Errorf("%q was opened", bad)
		}
	}
	if _, err := os.Stat(marker); err == nil {
		b, _ := os.ReadFile(marker)
		t.Fatalf("the browser ran with %q", b)
	}
	if err := open("https://microsoft.com/devicelogin"); err != nil {
		t.Fatal(err)
	}
}

// --emulator with a TMPDIR that does not exist fails with an error, and
// closing what Setup gave back does not panic.
func TestEmulatorMissingTMPDIR(t *testing.T) {
	t.Setenv("TMPDIR", filepath.Join(t.TempDir(), "does-not-exist"))
	svc, err := Setup(context.Background(), Options{Emulator: true, Stderr: io.Discard})
	if err == nil {
		svc.Close()
		t.Fatal("no error")
	}
	svc.Close() // nil: must not panic
}
