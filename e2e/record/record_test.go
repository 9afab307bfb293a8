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
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/emulatortest"
	"github.com/azrepl/azrepl/explain"
	"github.com/azrepl/azrepl/internal/testenv"
	"github.com/azrepl/azrepl/traceexport"
)

var (
	bin   string // azrepl
	azid  string // testdata/azid
	dbsdk string // testdata/dbsdk
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "azrepl-record-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	azid, dbsdk = filepath.Join(dir, "azid"), filepath.Join(dir, "dbsdk")
	for _, p := range [][2]string{{azid, "./testdata/azid"}, {dbsdk, "./testdata/dbsdk"}} {
		if out, err := exec.Command("go", "build", "-o", p[0], p[1]).CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "building %s: %v\n%s", p[1], err, out)
			os.Exit(1)
		}
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
	em := emulatortest.Start(t, emulator.Config{Dir: dir, ApproveAfter: 300 * time.Millisecond, Groups: 5})
	home := t.TempDir()
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "AZREPL_HOME=" + filepath.Join(home, "azrepl"),
		"HTTPS_PROXY=" + em.ProxyURL().String(), "SSL_CERT_FILE=" + filepath.Join(dir, "ca.pem"), "NO_COLOR=1"}
	return &cloud{em: em, dir: dir, env: env}
}

func (c *cloud) app(t *testing.T, name string) emulator.App {
	return emulatortest.App(t, c.em, name)
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

// checkSummary fails for each of want that the run's summary (its stderr)
// lacks; what names the run when a test has several.
func checkSummary(t *testing.T, what, summary string, want ...string) {
	t.Helper()
	if what != "" {
		what += ": "
	}
	for _, w := range want {
		if !strings.Contains(summary, w) {
			t.Errorf("%sthe summary lacks %q:\n%s", what, w, summary)
		}
	}
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
			if s.Error == "authorization_pending" || s.Error == "slow_down" {
				continue // polls: as many as the sign-in takes
			}
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
	checkSummary(t, "", r.stderr,
		"sh → Entra: client credentials (secret), client "+a.ClientID+", tenant "+c.em.World().TenantID+", scope Graph .default → 200: token (aud Graph, roles Group.Read.All User.Read.All, 3599 s)",
		"sh → Graph: GET /v1.0/groups, token (aud Graph, roles Group.Read.All User.Read.All) → 200",
		"[curl/",
	)
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
	checkSummary(t, "", r.stderr,
		"azid → Entra: discovery: instance discovery",
		"azid → Entra: discovery: OIDC metadata of ",
		"azid → Entra: client credentials (secret), client ",
		"scope Graph .default openid offline_access profile → 200: token (aud Graph, no scp or roles, 3599 s)",
		"[MSAL.Go ",
		"azid → Graph: GET /v1.0/groups, token (aud Graph, no scp or roles)",
		"→ 403 Authorization_RequestDenied",
	)
}

func TestGoAzidentityThroughUserProxy(t *testing.T) {
	c := startCloud(t)
	a := c.app(t, "reader-app")
	env := append(c.env[:len(c.env):len(c.env)], "AZURE_TENANT_ID="+c.em.World().TenantID, "AZURE_CLIENT_ID="+a.ClientID, "AZURE_CLIENT_SECRET="+a.ClientSecret)
	r := record(t, env, azid)
	if r.code != 0 || strings.TrimSpace(r.stdout) != "200" {
		t.Fatalf("exit %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr)
	}
	checkSummary(t, "", r.stderr, "azid → Entra: client credentials (secret)", "[MSAL.Go")
	checkNoSecrets(t, c, r.dir, r.stderr)
	replay(t, c, r, env)
}

func TestPythonRequests(t *testing.T) {
	py := testenv.LookPath(t, "python3")
	if exec.Command(py, "-c", "import requests").Run() != nil {
		testenv.Missing(t, "python3 requests is not installed")
	}
	c := startCloud(t)
	a := c.app(t, "reader-app")
	env := append(c.env[:len(c.env):len(c.env)], "AZURE_TENANT_ID="+c.em.World().TenantID, "AZURE_CLIENT_ID="+a.ClientID, "AZURE_CLIENT_SECRET="+a.ClientSecret)
	script, err := filepath.Abs("testdata/graph.py")
	if err != nil {
		t.Fatal(err)
	}
	r := record(t, env, py, script)
	if r.code != 0 || strings.TrimSpace(r.stdout) != "200" {
		t.Fatalf("exit %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr)
	}
	checkSummary(t, "", r.stderr,
		"python3 → Entra: client credentials (secret), client "+a.ClientID,
		"→ 200: token (aud Graph, roles Group.Read.All User.Read.All, 3599 s) [python-requests/",
		"python3 → Graph: GET /v1.0/groups, token (aud Graph, roles Group.Read.All User.Read.All) → 200 [python-requests/",
	)
	checkNoSecrets(t, c, r.dir, r.stderr)
	replay(t, c, r, env)
}

func TestDatabricksSDKMachineToMachine(t *testing.T) {
	c := startCloud(t)
	w := c.em.World()
	env := append(c.env[:len(c.env):len(c.env)], "DATABRICKS_HOST=https://"+w.Databricks.Host,
		"DATABRICKS_CLIENT_ID="+w.Databricks.ServicePrincipal.ClientID, "DATABRICKS_CLIENT_SECRET="+w.Databricks.ServicePrincipal.ClientSecret)
	r := record(t, env, dbsdk)
	if r.code != 0 || strings.TrimSpace(r.stdout) == "" {
		t.Fatalf("exit %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr)
	}
	checkSummary(t, "", r.stderr,
		"dbsdk → Databricks: Databricks M2M (client credentials, ",
		"dbsdk → Databricks: GET /api/2.0/preview/scim/v2/Me, ",
		"[databricks-sdk-go/",
	)
	checkNoSecrets(t, c, r.dir, r.stderr)
	replay(t, c, r, env)
}

// azEnv is what the Azure CLI needs besides the cloud: its own config folder,
// no telemetry, no colour.
func azEnv(t *testing.T, c *cloud) []string {
	return append(c.env[:len(c.env):len(c.env)], "AZURE_CONFIG_DIR="+filepath.Join(t.TempDir(), "az"),
		"AZURE_CORE_COLLECT_TELEMETRY=false", "AZURE_CORE_NO_COLOR=true", "AZURE_CORE_ONLY_SHOW_ERRORS=true")
}

func TestAzureCLI(t *testing.T) {
	az := testenv.LookPath(t, "az")
	c := startCloud(t)
	env := azEnv(t, c)
	tenant := c.em.World().TenantID
	login := record(t, env, az, "login", "--use-device-code", "--allow-no-subscriptions")
	if login.code != 0 {
		t.Fatalf("az login: exit %d, stderr:\n%s", login.code, login.stderr)
	}
	checkSummary(t, "az login", login.stderr,
		"az → Entra: device code requested, client Microsoft Azure CLI (04b07795…), tenant organizations, scope ARM .default offline_access openid profile",
		"az → Entra: device code, client Microsoft Azure CLI (04b07795…), tenant organizations",
		"→ 200: token (aud ARM, scp user_impersonation, ",
		"az → ARM: GET /tenants, token (aud ARM, scp user_impersonation, xms_cc) → 200",
		"az → Entra: device code, client Microsoft Azure CLI (04b07795…), tenant organizations, claims xms_cc (CAE) → 400 authorization_pending, CAE capable",
		"az → Entra: refresh token redeemed for ARM (FOCI family), client Microsoft Azure CLI (04b07795…), tenant "+tenant,
		"[MSAL.Python ",
	)
	checkNoSecrets(t, c, login.dir, login.stderr)

	tok := record(t, env, az, "account", "get-access-token", "--scope", "https://graph.microsoft.com/.default")
	if tok.code != 0 || !strings.Contains(tok.stdout, "accessToken") {
		t.Fatalf("az account get-access-token: exit %d, stderr:\n%s", tok.code, tok.stderr)
	}
	checkSummary(t, "get-access-token", tok.stderr, "az → Entra: refresh token redeemed for Graph (FOCI family), client Microsoft Azure CLI (04b07795…), tenant "+tenant+", scope Graph .default")
	checkNoSecrets(t, c, tok.dir, tok.stderr)

	rest := record(t, env, az, "rest", "--url", "https://graph.microsoft.com/v1.0/groups")
	if rest.code != 0 || !strings.Contains(rest.stdout, c.em.World().Group(0).DisplayName) {
		t.Fatalf("az rest: exit %d, stderr:\n%s", rest.code, rest.stderr)
	}
	checkSummary(t, "az rest", rest.stderr, "az → Graph: GET /v1.0/groups, token (aud Graph, scp ")
	checkNoSecrets(t, c, rest.dir, rest.stderr)

	// az login's flow, replayed by azrepl (a fresh AZREPL_HOME: it signs in anew).
	replay(t, c, login, env)
}

func TestCommandNotFound(t *testing.T) {
	r := azrepl(t, []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, "record", "--out", filepath.Join(t.TempDir(), "rec"), "--", "no-such-program-azrepl")
	if r.code != 127 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 || !strings.Contains(r.stderr, "no-such-program-azrepl") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	if r := azrepl(t, nil, "record"); r.code != 2 || !strings.Contains(r.stderr, "record needs a command") {
		t.Errorf("no command: exit %d, stderr %q", r.code, r.stderr)
	}
}

// A program killed by a signal: azrepl exits 128+N and still writes what
// was recorded.
func TestCommandKilled(t *testing.T) {
	testenv.LookPath(t, "curl")
	c := startCloud(t)
	r := record(t, c.env, "sh", "-c", `curl -sS -o /dev/null https://graph.microsoft.com/v1.0/me; kill -9 $$`)
	if r.code != 137 || !strings.Contains(r.stderr, "sh was ended by signal 9 (killed)") {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if f := loadTrace(t, r.dir); len(f.Exchanges) != 1 || f.Exchanges[0].Status != 401 {
		t.Errorf("recorded %+v", f.Exchanges)
	}
}

// A signal to azrepl reaches the program; azrepl writes the recording,
// removes its per-run folder and exits as the program did.
func TestSignalsPassThrough(t *testing.T) {
	c := startCloud(t)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			tmp := t.TempDir()
			dir := filepath.Join(t.TempDir(), "rec")
			cmd := exec.Command(bin, "record", "--out", dir, "--", "sh", "-c", `echo started; exec sleep 60`)
			cmd.Env = append(c.env[:len(c.env):len(c.env)], "TMPDIR="+tmp)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var errb bytes.Buffer
			cmd.Stderr = &errb
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			line, _ := bufio.NewReader(out).ReadString('\n')
			if line != "started\n" {
				t.Fatalf("the program did not start: %q", line)
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			err = cmd.Wait()
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 128+int(sig) {
				t.Errorf("azrepl ended with %v, want exit %d; stderr:\n%s", err, 128+int(sig), errb.String())
			}
			if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
				t.Errorf("left behind in TMPDIR: %v", entries)
			}
			if _, err := os.Stat(filepath.Join(dir, "trace.json")); err != nil {
				t.Errorf("no recording written: %v", err)
			}
		})
	}
}
