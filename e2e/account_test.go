package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/emulatortest"
	"github.com/azrepl/azrepl/internal/testenv"
)

// The account commands — azrepl login, logout, status, api — run as a user
// runs them: the built binary against an emulator reached through
// HTTPS_PROXY and SSL_CERT_FILE, a fresh AZREPL_HOME per test.

// accountSetup is an emulator, its folder and a fresh AZREPL_HOME.
func accountSetup(t *testing.T) (*emulator.Emulator, string, []string) {
	t.Helper()
	em, env := robustEmulator(t, emulator.Config{ApproveAfter: 200 * time.Millisecond})
	dir := filepath.Dir(strings.TrimPrefix(env[len(env)-1], "SSL_CERT_FILE="))
	return em, dir, robustEnv(env, "AZREPL_HOME="+t.TempDir())
}

// worldSecrets are every secret of the emulator's world.
func worldSecrets(em *emulator.Emulator) []string {
	var out []string
	for _, u := range em.World().Users {
		out = append(out, u.Password)
	}
	for _, a := range em.World().Apps {
		if a.ClientSecret != "" {
			out = append(out, a.ClientSecret)
		}
	}
	return out
}

func noSecrets(t *testing.T, what string, r robustResult, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && (strings.Contains(r.stdout, s) || strings.Contains(r.stderr, s)) {
			t.Errorf("%s printed a secret", what)
		}
	}
}

// TestLoginEveryFlow: azrepl login signs in with each flow login() has,
// from flags and the environment a user would set, and the login serves
// azrepl token afterwards.
func TestLoginEveryFlow(t *testing.T) {
	em, dir, base := accountSetup(t)
	world := em.World()
	app := func(name string) emulator.App {
		for _, a := range world.Apps {
			if a.Name == name {
				return a
			}
		}
		t.Fatalf("no app %s", name)
		return emulator.App{}
	}
	story, reader, workload := app("story-app"), app("reader-app"), emulatortest.EnvFile(t, filepath.Join(dir, "workload.env"))
	var alice emulator.User
	for _, u := range world.Users {
		if u.Name == "alice" {
			alice = u
		}
	}
	cert := strings.TrimPrefix(emulatortest.EnvFile(t, filepath.Join(dir, "reader-app-certificate.env"))[2], "AZURE_CLIENT_CERTIFICATE_PATH=")
	msi := emulatortest.EnvFile(t, filepath.Join(dir, "msi.env"))
	// App secrets and certificates stay in the process that signed in: a
	// later command rebuilds the credential from the environment, as a CI
	// job that exports AZURE_* has it (later).
	certEnv := emulatortest.EnvFile(t, filepath.Join(dir, "reader-app-certificate.env"))
	for _, c := range []struct {
		name, flow, client, user string
		args, env, later         []string
	}{
		{name: "device", flow: "device", user: alice.Username},
		{name: "secret", flow: "secret", client: story.ClientID,
			args: []string{"--flow", "secret", "--tenant", world.TenantID, "--client-id", story.ClientID},
			env:  []string{"AZURE_CLIENT_SECRET=" + story.ClientSecret}, later: world.CredentialsEnv()},
		{name: "secret from env", flow: "secret", client: story.ClientID, args: []string{"--flow", "secret"}, env: world.CredentialsEnv()},
		{name: "certificate", flow: "certificate", client: reader.ClientID,
			args: []string{"--flow", "certificate", "--tenant", world.TenantID, "--client-id", reader.ClientID, "--certificate", cert}, later: certEnv},
		{name: "password", flow: "password", user: alice.Username,
			args: []string{"--flow", "password", "--username", alice.Username}, env: []string{"AZURE_PASSWORD=" + alice.Password}},
		{name: "managed identity", flow: "managed-identity", args: []string{"--flow", "managed-identity"}, env: msi},
		{name: "workload identity", flow: "workload-identity", args: []string{"--flow", "workload-identity"}, env: workload},
		{name: "auto", flow: "workload-identity", args: []string{"--flow", "auto"}, env: workload},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := robustEnv(base, "AZREPL_HOME="+t.TempDir())
			env = robustEnv(env, c.env...)
			r := robustRun(t, env, append([]string{"login", "-o", "json"}, c.args...)...)
			if r.code != 0 {
				t.Fatalf("login: exit %d: %s", r.code, r.stderr)
			}
			noSecrets(t, "login", r, worldSecrets(em))
			var a struct{ Username, ClientID, Flow, TenantID string }
			if err := json.Unmarshal([]byte(r.stdout), &a); err != nil {
				t.Fatalf("login -o json: %v: %q", err, r.stdout)
			}
			if a.Flow != c.flow || (c.client != "" && a.ClientID != c.client) || a.Username != c.user || a.TenantID != world.TenantID {
				t.Errorf("login = %+v, want flow %s client %s user %q", a, c.flow, c.client, c.user)
			}
			if r := robustRun(t, robustEnv(env, c.later...), "token", "https://graph.microsoft.com"); r.code != 0 || jwtClaims(t, r.stdout)["aud"] != "https://graph.microsoft.com" {
				t.Errorf("token after login: exit %d: %s", r.code, r.stderr)
			}
		})
	}

	// The human form names the account; an unknown flow is a one-line
	// usage error with the flows to choose from and the one meant.
	r := robustRun(t, base, "login")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "Signed in as "+alice.Username+" (tenant "+world.TenantID+", flow device)" {
		t.Errorf("login: exit %d, stdout %q", r.code, r.stdout)
	}
	if !strings.Contains(r.stderr, "one-time code") {
		t.Errorf("login's device code is not on stderr: %q", r.stderr)
	}
	r = robustRun(t, base, "login", "--flow", "devcie")
	if r.code != 2 || r.stdout != "" || !strings.Contains(r.stderr, "did you mean device?") || !strings.Contains(r.stderr, "workload-identity") {
		t.Errorf("--flow devcie: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	// The secret flow with no secret and no terminal: one line, nothing sent.
	r = robustRun(t, base, "login", "--flow", "secret", "--tenant", world.TenantID, "--client-id", story.ClientID)
	if r.code != 7 || !strings.Contains(r.stderr, "AZURE_CLIENT_SECRET") {
		t.Errorf("secret flow without a secret: exit %d, %q", r.code, r.stderr)
	}
}

// TestStatusAndLogout: status lists the accounts with their tokens'
// audience, scope and expiry and the Databricks profiles, never a secret;
// logout forgets; both speak -o json.
func TestStatusAndLogout(t *testing.T) {
	em, _, env := accountSetup(t)
	world := em.World()
	cfg := filepath.Join(t.TempDir(), "databrickscfg")
	const pat = "dapi0123456789abcdef0123456789abcdef"
	if err := os.WriteFile(cfg, []byte("[DEFAULT]\nhost = https://adb-1.2.azuredatabricks.net\ntoken = "+pat+"\n\n[ci]\nhost = adb-3.4.azuredatabricks.net\nclient_id = x\nclient_secret = y-secret-value\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env = robustEnv(env, "DATABRICKS_CONFIG_FILE="+cfg)

	r := robustRun(t, env, "status")
	if r.code != 3 || !strings.Contains(r.stderr, "not signed in") || !strings.Contains(r.stderr, "hint: run azrepl login") {
		t.Fatalf("status before login: exit %d, %q", r.code, r.stderr)
	}
	if r := robustRun(t, env, "login"); r.code != 0 {
		t.Fatalf("login: %s", r.stderr)
	}
	if r := robustRun(t, robustEnv(env, world.CredentialsEnv()...), "login", "--flow", "secret"); r.code != 0 {
		t.Fatalf("login --flow secret: %s", r.stderr)
	}
	if r := robustRun(t, env, "-e", `token("https://graph.microsoft.com/.default", {account: "alice@contoso.onmicrosoft.com"}).audience`); r.code != 0 {
		t.Fatalf("graph token: %s", r.stderr)
	}
	r = robustRun(t, env, "status", "-o", "json")
	if r.code != 0 {
		t.Fatalf("status -o json: exit %d: %s", r.code, r.stderr)
	}
	noSecrets(t, "status", r, append(worldSecrets(em), pat, "y-secret-value"))
	var st statusOut
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil {
		t.Fatalf("%v: %s", err, r.stdout)
	}
	if len(st.Accounts) != 2 || !st.Accounts[0].Default || st.Accounts[1].Default || st.Accounts[0].Flow != "secret" {
		t.Errorf("accounts = %+v (the app signed in last is the default)", st.Accounts)
	}
	var alice *accountOut
	for i := range st.Accounts {
		if st.Accounts[i].Username == "alice@contoso.onmicrosoft.com" {
			alice = &st.Accounts[i]
		}
	}
	if alice == nil || alice.TenantID != world.TenantID || alice.Flow != "device" {
		t.Fatalf("alice missing: %+v", st.Accounts)
	}
	auds := map[string]bool{}
	for _, tok := range alice.Tokens {
		if tok.Kind == "access" {
			exp, err := time.Parse(time.RFC3339, tok.ExpiresOn)
			if err != nil || time.Until(exp) < 30*time.Minute || tok.Expired || tok.Scope == "" {
				t.Errorf("token %+v: expiry %v", tok, err)
			}
			auds[tok.Audience] = true
		}
	}
	if !auds["https://graph.microsoft.com"] || !auds["https://management.core.windows.net/"] {
		t.Errorf("alice's audiences = %v", auds)
	}
	if len(st.Databricks.Profiles) != 2 || st.Databricks.Profiles[0].Name != "DEFAULT" || !st.Databricks.Profiles[0].Default ||
		st.Databricks.Profiles[0].AuthType != "pat" || st.Databricks.Profiles[1].Host != "https://adb-3.4.azuredatabricks.net" {
		t.Errorf("profiles = %+v", st.Databricks.Profiles)
	}

	r = robustRun(t, env, "status")
	for _, want := range []string{"alice@contoso.onmicrosoft.com", "token for https://graph.microsoft.com: scope https://graph.microsoft.com/.default", "expires in", "Databricks profiles", "DEFAULT (default)  https://adb-1.2.azuredatabricks.net  pat",
		// one ARM token cached under the home tenant and "organizations": one line
		"scope https://management.core.windows.net//.default, tenant " + strings.Join(sorted(world.TenantID, "organizations"), " and ") + ", expires in"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("status lacks %q:\n%s", want, r.stdout)
		}
	}

	r = robustRun(t, env, "logout", "nobody@contoso.onmicrosoft.com")
	if r.code != 8 || !strings.Contains(r.stderr, "azrepl status lists who is") {
		t.Errorf("logout nobody: exit %d, %q", r.code, r.stderr)
	}
	r = robustRun(t, env, "logout", "alice@contoso.onmicrosoft.com", "-o", "json")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "{\n  \"signedOut\": [\n    \"alice@contoso.onmicrosoft.com\"\n  ]\n}" {
		t.Errorf("logout alice: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	if r := robustRun(t, env, "logout"); r.code != 0 || !strings.HasPrefix(r.stdout, "Signed out app ") {
		t.Errorf("logout: exit %d, %q", r.code, r.stdout)
	}
	if r := robustRun(t, env, "status"); r.code != 3 {
		t.Errorf("status after logout: exit %d", r.code)
	}
}

type statusOut struct {
	Accounts   []accountOut
	Databricks struct {
		Profiles []struct {
			Name, Host, AuthType string
			Default              bool
		}
	}
}

type accountOut struct {
	Username, TenantID, ClientID, Flow string
	Default                            bool
	Tokens                             []struct {
		Kind, Audience, Scope, ExpiresOn string
		Expired                          bool
	}
}

// TestAPICommand: azrepl api picks the service and the token's audience as
// the JS helpers do, prints the body alone on stdout, pages, and fails with
// the helpers' errors and hints on stderr and the code's exit status.
func TestAPICommand(t *testing.T) {
	em, dir, env := accountSetup(t)
	if r := robustRun(t, env, "login"); r.code != 0 {
		t.Fatalf("login: %s", r.stderr)
	}
	r := robustRun(t, env, "api", "/v1.0/me", "--query", "displayName")
	if r.code != 0 || r.stdout != "Alice Smith\n" || r.stderr != "" {
		t.Errorf("api /v1.0/me --query displayName: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	r = robustRun(t, env, "api", "me")
	var me map[string]any
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &me) != nil || me["userPrincipalName"] != "alice@contoso.onmicrosoft.com" {
		t.Errorf("api me: exit %d, %q", r.code, r.stdout)
	}

	// Paging: every group, one JSON array.
	r = robustRun(t, env, "api", "/v1.0/groups?$top=7&$select=displayName", "--paginate")
	var groups []map[string]any
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &groups) != nil || len(groups) != len(em.World().Groups)+em.World().GroupCount || len(groups) < 8 {
		t.Errorf("--paginate: exit %d, %d groups of %d: %.200s %s", r.code, len(groups), len(em.World().Groups)+em.World().GroupCount, r.stdout, r.stderr)
	}

	// ARM, with the ARM token; a missing api-version is the helper's error.
	r = robustRun(t, env, "api", "/subscriptions?api-version=2022-12-01", "--query", "value.#.subscriptionId")
	if r.code != 0 || !strings.Contains(r.stdout, em.World().Subscriptions[0].ID) {
		t.Errorf("ARM: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	r = robustRun(t, env, "api", "/subscriptions")
	if r.code != 7 || r.stdout != "" || !strings.Contains(r.stderr, "azrepl api: BAD_REQUEST: arm:") || !strings.Contains(r.stderr, "\n  hint: add ?api-version=") {
		t.Errorf("ARM without api-version: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}

	// POST with a body from a file, and a header: a $batch of two.
	batch := filepath.Join(t.TempDir(), "batch.json")
	if err := os.WriteFile(batch, []byte(`{"requests":[{"id":"1","method":"GET","url":"/me"},{"id":"2","method":"GET","url":"/groups/$count","headers":{"ConsistencyLevel":"eventual"}}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	r = robustRun(t, env, "api", "/v1.0/$batch", "--body", "@"+batch, "-H", "Accept: application/json", "--query", "responses.#.status")
	if r.code != 0 || strings.Join(strings.Fields(r.stdout), "") != "[200,200]" {
		t.Errorf("$batch: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}

	// Another host goes through http.request: any status answers, a 4xx is
	// an error with its code's exit status.
	r = robustRun(t, env, "api", "https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration", "--query", "token_endpoint")
	if r.code != 0 || r.stdout != "https://login.microsoftonline.com/organizations/oauth2/v2.0/token\n" {
		t.Errorf("discovery: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}

	r = robustRun(t, env, "api", "https://login.microsoftonline.com/organizations/v2.0/nope")
	if r.code != 8 || r.stdout != "" || !strings.Contains(r.stderr, "azrepl api: NOT_FOUND: entra: 404") || !strings.Contains(r.stderr, "hint: no such resource") {
		t.Errorf("404 from another host: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}

	// The story app has no Graph permission: FORBIDDEN, exit 4, the
	// permission hint on stderr and nothing on stdout.
	appEnv := robustEnv(env, emulatortest.EnvFile(t, filepath.Join(dir, "credentials.env"))...)
	if r := robustRun(t, appEnv, "login", "--flow", "secret"); r.code != 0 {
		t.Fatalf("login --flow secret: %s", r.stderr)
	}
	r = robustRun(t, appEnv, "api", "/v1.0/groups")
	if r.code != 4 || r.stdout != "" || !strings.Contains(r.stderr, "azrepl api: FORBIDDEN: graph: 403") || !strings.Contains(r.stderr, "hint: GET /v1.0/groups needs an application permission") {
		t.Errorf("403: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}

	// Databricks: the workspace of DATABRICKS_HOST with its service principal.
	dbEnv := robustEnv(env, emulatortest.EnvFile(t, filepath.Join(dir, "credentials.env"))...)
	r = robustRun(t, dbEnv, "api", "/api/2.1/jobs/list", "--paginate", "--query", "#")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "45" {
		t.Errorf("databricks jobs: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	r = robustRun(t, dbEnv, "status")
	if host := strings.TrimPrefix(em.World().Databricks.Host, "https://"); !strings.Contains(r.stdout, "Databricks tokens\n  token for https://"+host+" (client ") {
		t.Errorf("status after a Databricks call lacks its token of %s:\n%s", host, r.stdout)
	}

	// Usage errors: one line, exit 2.
	r = robustRun(t, env, "api", "/v1.0/me", "--qeury", "x")
	if r.code != 2 || !strings.Contains(r.stderr, "did you mean --query?") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("--qeury: exit %d, %q", r.code, r.stderr)
	}
	if r := robustRun(t, env, "--emulator", "api", "/v1.0/me"); r.code != 2 || !strings.Contains(r.stderr, "azrepl emulate") {
		t.Errorf("--emulator api: exit %d, %q", r.code, r.stderr)
	}
}

// TestEvalAndRunOutputForPipes: into a pipe, -e and run print a Response's
// body alone and whole; -o and --query shape -e's value; a failed script
// or expression prints its hint on stderr.
func TestEvalAndRunOutputForPipes(t *testing.T) {
	_, _, env := accountSetup(t)
	if r := robustRun(t, env, "login"); r.code != 0 {
		t.Fatalf("login: %s", r.stderr)
	}
	const list = `graph.get("/groups?$top=100")`
	r := robustRun(t, env, "-e", list)
	var page struct{ Value []map[string]any }
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &page) != nil || len(page.Value) != 100 || len(r.stdout) < 8<<10 {
		t.Fatalf("-e Response into a pipe: exit %d, %d bytes: %.120q", r.code, len(r.stdout), r.stdout)
	}
	r = robustRun(t, env, "-e", list, "--query", "value.#.displayName|0")
	if r.code != 0 || r.stdout != "Engineering Readers 001\n" {
		t.Errorf("-e --query: %q %q", r.stdout, r.stderr)
	}
	r = robustRun(t, env, "-e", `({n: 1, s: "x"})`, "-o", "json")
	if r.stdout != "{\n  \"n\": 1,\n  \"s\": \"x\"\n}\n" {
		t.Errorf("-o json: %q", r.stdout)
	}
	r = robustRun(t, env, "-e", `whoami().username`, "-o", "raw")
	if r.stdout != "alice@contoso.onmicrosoft.com\n" {
		t.Errorf("-o raw: %q %q", r.stdout, r.stderr)
	}
	script := filepath.Join(t.TempDir(), "x.js")
	if err := os.WriteFile(script, []byte("console.log("+list+")\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = robustRun(t, env, "run", script)
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &page) != nil || len(page.Value) != 100 {
		t.Errorf("run console.log(Response) into a pipe: exit %d, %.120q", r.code, r.stdout)
	}
	if err := os.WriteFile(script, []byte(`arm.get("/subscriptions")`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = robustRun(t, env, "run", script)
	if r.code != 7 || !strings.Contains(r.stderr, "BAD_REQUEST") || !strings.Contains(r.stderr, "\n  hint: add ?api-version=") {
		t.Errorf("failed script: exit %d, %q", r.code, r.stderr)
	}
	r = robustRun(t, env, "-e", `graph.get("/nope/x")`)
	if r.code == 0 || r.stdout != "" {
		t.Errorf("-e failing: exit %d, %q", r.code, r.stdout)
	}
}

// TestLoginBrowserAndAzCLI: the two flows that need something beside the
// emulator — a browser (headless Chromium as $BROWSER, signing in on the
// emulator's page) and the Azure CLI's cache (a fixture; the import is
// offline and leaves the file as it was).
func TestLoginBrowserAndAzCLI(t *testing.T) {
	em, dir, env := accountSetup(t)

	fixture, err := filepath.Abs("../auth/testdata/azcli")
	if err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(filepath.Join(fixture, "msal_token_cache.json"))
	if err != nil {
		t.Fatal(err)
	}
	r := robustRun(t, robustEnv(env, "AZURE_CONFIG_DIR="+fixture), "login", "--flow", "azcli", "--login-hint", "alice@contoso.test", "-o", "json")
	var a struct{ Username, Flow string }
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &a) != nil || a.Username != "alice@contoso.test" || a.Flow != "azcli" {
		t.Errorf("login --flow azcli: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	if after, _ := os.ReadFile(filepath.Join(fixture, "msal_token_cache.json")); string(after) != string(before) {
		t.Error("the Azure CLI's cache was modified")
	}
	if strings.Contains(r.stdout+r.stderr, "fake-az-rt") {
		t.Error("the imported refresh token was printed")
	}

	chromium := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			chromium = p
			break
		}
	}
	if chromium == "" {
		testenv.Missing(t, "no chromium for the browser flow (.ci/run installs it)")
	}
	browser := filepath.Join(t.TempDir(), "testbrowser")
	if out, err := exec.Command("go", "build", "-o", browser, "../internal/testbrowser").CombinedOutput(); err != nil {
		t.Fatalf("building testbrowser: %v\n%s", err, out)
	}
	env = robustEnv(env, "AZREPL_HOME="+t.TempDir(),
		"BROWSER="+browser+" --timeout 60s --env-file "+filepath.Join(dir, "env")+" --user bob %s")
	r = robustRun(t, env, "login", "--flow", "browser", "--login-hint", "bob", "-o", "json")
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &a) != nil || a.Flow != "browser" || !strings.HasPrefix(a.Username, "bob@") {
		t.Fatalf("login --flow browser: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	noSecrets(t, "browser login", r, worldSecrets(em))
	if r := robustRun(t, env, "api", "/v1.0/me", "--query", "userPrincipalName"); r.code != 0 || r.stdout != a.Username+"\n" {
		t.Errorf("api after the browser login: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
}

func sorted(s ...string) []string {
	slices.Sort(s)
	return s
}

// startCommand runs azrepl with args in a tmux terminal of its own, in the
// environment env alone; the screen ends with its exit status.
func startCommand(t *testing.T, env []string, args ...string) *term {
	t.Helper()
	testenv.LookPath(t, "tmux")
	terms++
	tm := &term{t: t, sock: fmt.Sprintf("azrepl-e2e-%d-%d", os.Getpid(), terms)}
	cmd := append([]string{"bash", "-c", `"$@"; echo "[azrepl exited $?]"; sleep 2`, "azrepl", "env", "-i"}, env...)
	cmd = append(append(cmd, "TERM=xterm-256color", bin), args...)
	tm.tmux(append(append([]string{"-f", "/dev/null", "new-session", "-d", "-s", "main", "-x", "110", "-y", "45"}, cmd...),
		";", "set-option", "-t", "main", "remain-on-exit", "on")...)
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", tm.sock, "kill-server").Run() })
	return tm
}

// TestLoginAsksForTheSecret: `azrepl login --flow secret` with no
// AZURE_CLIENT_SECRET asks on the terminal, shows nothing of what is
// typed, and signs in; a wrong secret is INVALID_CLIENT (exit 6) with its
// hint, and the secret appears nowhere on the screen.
func TestLoginAsksForTheSecret(t *testing.T) {
	em, _, env := accountSetup(t)
	var story emulator.App
	for _, a := range em.World().Apps {
		if a.Name == "story-app" {
			story = a
		}
	}
	args := []string{"login", "--flow", "secret", "--tenant", em.World().TenantID, "--client-id", story.ClientID}

	tm := startCommand(t, env, args...)
	tm.waitFor("Client secret (not echoed):")
	tm.line(story.ClientSecret)
	tm.waitExit(0)
	if s := tm.screen(); !strings.Contains(s, "Signed in as app "+story.ClientID) || strings.Contains(s, story.ClientSecret) {
		t.Errorf("screen:\n%s", s)
	}

	const wrong = "not-the-secret-0123456789"
	tm = startCommand(t, env, args...)
	tm.waitFor("Client secret (not echoed):")
	tm.line(wrong)
	tm.waitExit(6)
	if s := tm.screen(); !strings.Contains(s, "azrepl login: INVALID_CLIENT") || strings.Contains(s, wrong) {
		t.Errorf("screen:\n%s", s)
	}
}
