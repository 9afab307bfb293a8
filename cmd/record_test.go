package cmd

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/emulatortest"
	"github.com/azrepl/azrepl/httpx"
	"github.com/azrepl/azrepl/record"
	"github.com/azrepl/azrepl/traceexport"
)

// The four files are made at once from the same exchanges (run with -race).
func TestWriteRecordingWritesEveryFile(t *testing.T) {
	em := emulatortest.Start(t, emulator.Config{Dir: t.TempDir()})
	c := httpx.New(httpx.Options{RootCAs: em.CertPool(), Proxy: http.ProxyURL(em.ProxyURL()), TraceSize: 100})
	for _, u := range []string{
		"https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration",
		"https://graph.microsoft.com/v1.0/groups",
	} {
		resp, err := c.HTTPClient().Get(u)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
	}
	res := &record.Result{Exchanges: c.Trace()}
	if len(res.Exchanges) != 2 {
		t.Fatalf("%d exchanges traced, want 2", len(res.Exchanges))
	}
	dir := t.TempDir()
	if err := writeRecording(dir, []string{"/usr/bin/tool", "--flag"}, time.Now(), res); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"trace.json": "openid-configuration", "report.html": "<html", "flow.har": `"version": "1.2"`, "flow.js": "tool --flag"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), want) {
			t.Errorf("%s does not hold %q", name, want)
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "trace.json"))
	f, err := traceexport.ReadTrace(b)
	if err != nil || len(f.Exchanges) != 2 || f.Program != "/usr/bin/tool --flag" {
		t.Errorf("trace.json reads back as %d exchanges of %q: %v", len(f.Exchanges), f.Program, err)
	}
	if err := writeRecording(filepath.Join(dir, "missing"), []string{"tool"}, time.Now(), res); err == nil {
		t.Error("writing into a folder that does not exist did not fail")
	}
}
