//go:build unix

package bindings_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Every path a script hands azrepl goes through fs's confinement: a trace
// export cannot overwrite ~/.bashrc or the token cache, a token file or a
// certificate cannot be the token cache (whose contents would go to a host
// as subject_token), and a refusal says nothing about whether a file exists.
func TestScriptPathsAreConfinedLikeFS(t *testing.T) {
	h := newHarness(t)
	bashrc := filepath.Join(h.home, ".bashrc")
	cache := filepath.Join(h.env["AZREPL_HOME"], "tokens.json")
	for _, p := range []string{bashrc, cache} {
		if err := os.WriteFile(p, []byte("mine\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	h.run(`http.get("https://graph.microsoft.com/v1.0/me", {auth: false})`)
	app := h.app("workload-app")
	for _, src := range []string{
		fmt.Sprintf(`trace.http(%q)`, bashrc),
		fmt.Sprintf(`trace.har(%q)`, cache),
		fmt.Sprintf(`trace.report(%q)`, filepath.Join(h.home, "report.html")),
		fmt.Sprintf(`login({flow: "workload-identity", tenant: %q, clientId: %q, tokenFile: %q})`, h.world.TenantID, app.ClientID, cache),
		fmt.Sprintf(`databricks({host: %q, flow: "file-oidc", clientId: "x", tokenFile: %q})`, h.world.Databricks.Host, cache),
		fmt.Sprintf(`login({flow: "certificate", tenant: %q, clientId: %q, certificate: %q})`, h.world.TenantID, app.ClientID, cache),
		fmt.Sprintf(`login({flow: "certificate", tenant: %q, clientId: %q, certificate: %q})`, h.world.TenantID, app.ClientID, filepath.Join(h.home, "no-such.pem")),
	} {
		e := h.thrown(src)
		if e["code"] != "REFUSED" || !strings.Contains(fmt.Sprint(e["message"]), "refused: outside the script's folder") {
			t.Errorf("%s threw %v, want REFUSED", src, e)
		}
	}
	for _, p := range []string{bashrc, cache} {
		if b, _ := os.ReadFile(p); string(b) != "mine\n" {
			t.Errorf("%s was changed: %q", p, b)
		}
	}
	if _, err := os.Stat(filepath.Join(h.home, "report.html")); err == nil {
		t.Error("trace.report wrote outside the script's folder")
	}
	// Inside the script's folder an export is written, 0600.
	ok := filepath.Join(h.dir, "session.http")
	if got := h.run(fmt.Sprintf(`trace.http(%q)`, ok)); !strings.Contains(got, "wrote 1 exchanges") {
		t.Errorf("trace.http in the script's folder: %q", got)
	}
	if st, err := os.Stat(ok); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("the export: %v, %v", st, err)
	}
}

// A FIFO in the script's own folder cannot stop fs.readFile or trace.load:
// open(2) of a FIFO waits for a writer forever, Ctrl-C included.
func TestScriptFilesNeverBlockOnAFIFO(t *testing.T) {
	h := newHarness(t, offline())
	fifo := filepath.Join(h.dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{fmt.Sprintf(`fs.readFile(%q)`, fifo), fmt.Sprintf(`trace.load(%q)`, fifo)} {
		done := make(chan map[string]any, 1)
		go func() { done <- h.thrown(src) }()
		select {
		case e := <-done:
			if !strings.Contains(fmt.Sprint(e["message"]), "not a regular file (a FIFO)") {
				t.Errorf("%s threw %v", src, e)
			}
		case <-time.After(time.Minute): // a hang is the failure, not a timing
			t.Fatalf("%s still waiting after a minute", src)
		}
	}
}
