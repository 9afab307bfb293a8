// Package record runs `azrepl record` as a person would, around programs
// this project did not write (curl, a Go program using azidentity, the Azure
// CLI, Python requests, the Databricks SDK for Go), against the emulator:
// reached as the user's HTTPS_PROXY (azrepl emulate) or in-process
// (--emulator). Each recording must label its steps, hold no secret, and
// its flow.js, run by azrepl, must make the same requests.
package record

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/explain"
	"github.com/azrepl/azrepl/internal/testenv"
	"github.com/azrepl/azrepl/traceexport"
)

var (
	bin  string // azrepl
	azid string // testdata/azid
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "azrepl-record-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	azid = filepath.Join(dir, "azid")
	if out, err := exec.Command("go", "build", "-o", azid, "./testdata/azid").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building testdata/azid: %v\n%s", err, out)
		os.Exit(1)
	}
	defer os.RemoveAll(dir)
	testenv.RunWithAzrepl(m, &bin)
}

// cloud is an emulator reached as a user reaches `azrepl emulate`: through
// HTTPS_PROXY, trusting its CA with SSL_CERT_FILE.
type cloud struct {
	em  *emulator.Emulator
	dir string
	env []string // proxy and CA, and a HOME of the test's own
}

func startCloud(t *testing.T) *cloud {
	t.Helper()
	dir := t.TempDir()
	em, err := emulator.Start(context.Background(), emulator.Config{Listen: "127.0.0.1:0", Proxy: "127.0.0.1:0", Dir: dir,
		ApproveAfter: 300 * time.Millisecond, Groups: 5})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = em.Close() })
	home := t.TempDir()
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "AZREPL_HOME=" + filepath.Join(home, "azrepl"),
		"HTTPS_PROXY=" + em.ProxyURL().String(), "SSL_CERT_FILE=" + filepath.Join(dir, "ca.pem"), "NO_COLOR=1"}
	return &cloud{em: em, dir: dir, env: env}
}

func (c *cloud) app(t *testing.T, name string) emulator.App {
	for _, a := range c.em.World().Apps {
		if a.Name == name {
			return a
		}
	}
	t.Fatalf("no app %s", name)
	return emulator.App{}
}

// secrets are the world's secrets: none may appear in a recording.
func (c *cloud) secrets() []string {
	var out []string
	w := c.em.World()
	for _, u := range w.Users {
		out = append(out, u.Password)
	}
	for _, a := range w.Apps {
		if a.ClientSecret != "" {
			out = append(out, a.ClientSecret)
		}
	}
	return append(out, w.Databricks.ServicePrincipal.ClientSecret)
}

// requests are the emulator's request log lines from line from on:
// method, host and path.
func (c *cloud) requests(t *testing.T, from int) []string {
	t.Helper()
	f, err := os.Open(filepath.Join(c.dir, "requests.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for i := 0; sc.Scan(); i++ {
		if i < from {
			continue
		}
		var e struct{ Method, Host, Path string }
		if json.Unmarshal(sc.Bytes(), &e) == nil {
			out = append(out, e.Method+" "+strings.TrimSuffix(e.Host, ":443")+e.Path)
		}
	}
	return out
}

type run struct {
	code           int
	stdout, stderr string
	dir            string
}

// azrepl runs the azrepl binary with env and args.
func azrepl(t *testing.T, env []string, args ...string) run {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := run{stdout: out.String(), stderr: errb.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return r
}

// record runs `azrepl record --out DIR -- argv…` and returns the run with DIR.
func record(t *testing.T, env []string, argv ...string) run {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "rec")
	r := azrepl(t, env, append([]string{"record", "--out", dir, "--"}, argv...)...)
	r.dir = dir
	return r
}

func loadTrace(t *testing.T, dir string) traceexport.TraceFile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "trace.json"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := traceexport.ReadTrace(data)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// checkNoSecrets fails when a world secret or a signed JWT is in any file of
// dir or in text.
func checkNoSecrets(t *testing.T, c *cloud, dir, text string) {
	t.Helper()
	look := func(where, s string) {
		for _, sec := range c.secrets() {
			if sec != "" && strings.Contains(s, sec) {
				t.Errorf("a secret of the world is in %s", where)
			}
		}
		if i := strings.Index(s, "eyJ"); i >= 0 && strings.Count(s[i:min(len(s), i+4000)], ".") >= 2 && looksJWT(s[i:]) {
			t.Errorf("a JWT is in %s: %.60s…", where, s[i:])
		}
	}
	look("stderr", text)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		look(e.Name(), string(data))
	}
}

func looksJWT(s string) bool {
	end := strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.')
	})
	if end < 0 {
		end = len(s)
	}
	parts := strings.Split(s[:end], ".")
	return len(parts) == 3 && len(parts[1]) > 10 && len(parts[2]) > 10
}

// flowSteps are the token requests and API calls of a recording, as a
// replay must repeat them: grant, endpoint and scope; method and path.
func flowSteps(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	for _, s := range explain.Steps(loadTrace(t, dir).Exchanges) {
		switch s.Kind {
		case explain.KindToken:
			out = append(out, fmt.Sprintf("token %s %s %s", s.GrantType, s.Path, explainScope(s.Scope)))
		case explain.KindDeviceCode:
			out = append(out, "devicecode "+s.Path)
		case explain.KindAPI:
			out = append(out, s.Method+" "+strings.SplitN(s.URL, "?", 2)[0])
		}
	}
	return out
}

func explainScope(s string) string {
	var keep []string
	for _, p := range strings.Fields(s) {
		switch p {
		case "openid", "profile", "offline_access":
			continue
		}
		keep = append(keep, p)
	}
	return strings.Join(keep, " ")
}

// replay runs DIR/flow.js with azrepl, itself under the recorder, and
// checks that it makes the recording's token requests and API calls, in
// order, and that the emulator saw the same endpoints.
func replay(t *testing.T, c *cloud, rec run, env []string) {
	t.Helper()
	want := flowSteps(t, rec.dir)
	before := len(c.requests(t, 0))
	again := record(t, env, bin, "run", filepath.Join(rec.dir, "flow.js"))
	if again.code != 0 {
		script, _ := os.ReadFile(filepath.Join(rec.dir, "flow.js"))
		t.Fatalf("flow.js failed (%d): %s\n%s", again.code, again.stderr, script)
	}
	got := flowSteps(t, again.dir)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		script, _ := os.ReadFile(filepath.Join(rec.dir, "flow.js"))
		t.Errorf("flow.js made\n  %s\nthe program made\n  %s\nflow.js:\n%s", strings.Join(got, "\n  "), strings.Join(want, "\n  "), script)
	}
	// The emulator saw the replay's API and token endpoints in the same order.
	var seen []string
	for _, r := range c.requests(t, before) {
		if strings.Contains(r, "/token") || strings.Contains(r, "/devicecode") || strings.Contains(r, "graph.") || strings.Contains(r, "management.") || strings.Contains(r, "/api/") {
			seen = append(seen, r)
		}
	}
	var wantSeen []string
	for _, w := range want {
		f := strings.Fields(w)
		switch f[0] {
		case "token":
			wantSeen = append(wantSeen, f[2])
		case "devicecode":
			wantSeen = append(wantSeen, f[1])
		default:
			wantSeen = append(wantSeen, f[1])
		}
	}
	if len(seen) != len(wantSeen) {
		t.Errorf("the emulator saw %d requests of the flow, want %d:\n  %s", len(seen), len(wantSeen), strings.Join(seen, "\n  "))
		return
	}
	for i := range seen {
		if !strings.Contains(seen[i], strings.TrimPrefix(wantSeen[i], "https://")) {
			t.Errorf("request %d: the emulator saw %s, want %s", i+1, seen[i], wantSeen[i])
		}
	}
}

func TestCurlThroughUserProxy(t *testing.T) {
	testenv.LookPath(t, "curl")
	c := startCloud(t)
	a := c.app(t, "reader-app")
	env := append(c.env[:len(c.env):len(c.env)], "AZURE_TENANT_ID="+c.em.World().TenantID, "AZURE_CLIENT_ID="+a.ClientID, "AZURE_CLIENT_SECRET="+a.ClientSecret)
	script := `set -e
tok=$(curl -sS --fail-with-body "https://login.microsoftonline.com/$AZURE_TENANT_ID/oauth2/v2.0/token" \
  -d grant_type=client_credentials -d "client_id=$AZURE_CLIENT_ID" --data-urlencode "client_secret=$AZURE_CLIENT_SECRET" \
  --data-urlencode scope=https://graph.microsoft.com/.default | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
curl -sS --fail-with-body -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $tok" https://graph.microsoft.com/v1.0/groups`
	r := record(t, env, "sh", "-c", script)
	if r.code != 0 || strings.TrimSpace(r.stdout) != "200" {
		t.Fatalf("exit %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"sh → Entra: client credentials (secret), client " + a.ClientID + ", tenant " + c.em.World().TenantID + ", scope Graph .default → 200: token (aud Graph, roles Group.Read.All User.Read.All, 3599 s)",
		"sh → Graph: GET /v1.0/groups, token (aud Graph, roles Group.Read.All User.Read.All) → 200",
		"[curl/",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("the summary lacks %q:\n%s", want, r.stderr)
		}
	}
	for _, f := range []string{"trace.json", "report.html", "flow.har", "flow.js"} {
		st, err := os.Stat(filepath.Join(r.dir, f))
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v", f, err)
		}
	}
	checkNoSecrets(t, c, r.dir, r.stderr)
	replay(t, c, r, env)
}

func TestGoAzidentityWithEmulatorFlag(t *testing.T) {
	r := azrepl(t, []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "NO_COLOR=1"}, "--emulator", "record", "--out", filepath.Join(t.TempDir(), "rec"), "--", azid)
	if r.code != 0 || strings.TrimSpace(r.stdout) != "403" {
		// The emulator's default app (story-app) has no Graph role: 403 is the story's answer.
		t.Fatalf("exit %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"azid → Entra: discovery: instance discovery",
		"azid → Entra: discovery: OIDC metadata of ",
		"azid → Entra: client credentials (secret), client ",
		"scope Graph .default openid offline_access profile → 200: token (aud Graph, no scp or roles, 3599 s)",
		"[MSAL.Go ",
		"azid → Graph: GET /v1.0/groups, token (aud Graph, no scp or roles)",
		"→ 403 Authorization_RequestDenied",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("the summary lacks %q:\n%s", want, r.stderr)
		}
	}
}

func TestGoAzidentityThroughUserProxy(t *testing.T) {
	c := startCloud(t)
	a := c.app(t, "reader-app")
	env := append(c.env[:len(c.env):len(c.env)], "AZURE_TENANT_ID="+c.em.World().TenantID, "AZURE_CLIENT_ID="+a.ClientID, "AZURE_CLIENT_SECRET="+a.ClientSecret)
	r := record(t, env, azid)
	if r.code != 0 || strings.TrimSpace(r.stdout) != "200" {
		t.Fatalf("exit %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "azid → Entra: client credentials (secret)") || !strings.Contains(r.stderr, "[MSAL.Go") {
		t.Errorf("summary:\n%s", r.stderr)
	}
	checkNoSecrets(t, c, r.dir, r.stderr)
	replay(t, c, r, env)
}
