package e2e

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/internal/testenv"
)

// A whole interactive session against the emulator, --debug on, every kind
// of login and call, the history written: then every output and file azrepl
// wrote is searched for the tokens, refresh tokens, secrets and passwords
// the emulator issued. None may appear.
func TestInteractiveSessionSecretsScan(t *testing.T) {
	testenv.LookPath(t, "tmux")
	home := t.TempDir()
	terms++
	tm := &term{t: t, sock: fmt.Sprintf("azrepl-e2e-%d-%d", os.Getpid(), terms)}
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", tm.sock, "kill-server").Run() })
	// A large scrollback: the --debug output of the whole session is searched.
	// The ~/.databrickscfg of the azure_client_secret profile holds a secret
	// itself: it lives outside home, which is scanned.
	dbcfg := filepath.Join(t.TempDir(), "databrickscfg")
	// The REPL's working folder, where the exports go (a script's paths stay
	// in its folder tree); it is scanned too.
	work := t.TempDir()
	tm.tmux("-f", "/dev/null", "start-server", ";", "set-option", "-g", "history-limit", "200000", ";",
		"new-session", "-d", "-s", "main", "-x", "200", "-y", "50", "-c", work,
		"bash", "-c", `"$@"; echo "[azrepl exited $?]"; sleep 2`, "azrepl",
		"env", "AZREPL_HOME="+home, "HOME="+home, "NO_COLOR=1", "TERM=xterm-256color", "DATABRICKS_CONFIG_FILE="+dbcfg, bin, "--emulator", "--debug",
		";", "set-option", "-t", "main", "remain-on-exit", "on")
	banner := tm.waitFor("azrepl>")
	world := regexp.MustCompile(`is in (\S+/tenant\.json)`).FindStringSubmatch(tm.scrollback())
	if world == nil {
		t.Fatalf("the banner does not say where the emulator's world is:\n%s", banner)
	}
	secrets := scanWorldSecrets(t, world[1])
	emDir := filepath.Dir(world[1])
	writeAzureSPProfile(t, world[1], dbcfg)
	// Secrets that exist only in azrepl's process (the identity header) or
	// are made during the session (a PAT, an OBO token) are printed base64
	// encoded — a form the scan does not look for — and decoded here.
	handed := regexp.MustCompile(`(HDR|PAT|OBO):([A-Za-z0-9+/=]{16,})`)

	steps := []struct{ input, want string }{
		{`login({flow: "secret"}).flow`, "\nsecret\n"},
		{`graph.get("/groups")`, "Authorization_RequestDenied"},
		{`login().username`, "alice@contoso… azrepl>"},
		{`token("https://graph.microsoft.com/.default")`, "the JWT is hidden"},
		{`graph.get("/me").get("displayName")`, "\nAlice Smith\n"},
		{`databricks({flow: "m2m"}).get("/api/2.0/clusters/list").status`, "\n200\n"},
		{`databricks({flow: "azure"}).token().audience`, "\n2ff814a6-3304-4ab8-85cb-cd0e6f879c1d\n"},
		// The app and federated flows: workload identity, managed identity, password,
		// on-behalf-of, Databricks PAT / account / workload identity
		// federation / azure_client_secret profile.
		{`login({flow: "workload-identity"}).flow`, "\nworkload-identity\n"},
		{`login({flow: "managed-identity"}).flow`, "\nmanaged-identity\n"},
		{`token("https://management.core.windows.net/").audience`, "\nhttps://management.core.windows.net/\n"},
		{`"HDR:" + btoa(env.IDENTITY_HEADER)`, "HDR:"},
		{`login({flow: "password"}).flow`, "\npassword\n"},
		{`globalThis.fromUser = token("api://" + env.AZREPL_EMULATOR_API_CLIENT_ID + "/access_as_user"); fromUser.claims.scp`, "\naccess_as_user\n"},
		{`login({flow: "secret", clientId: env.AZREPL_EMULATOR_API_CLIENT_ID, clientSecret: env.AZREPL_EMULATOR_API_CLIENT_SECRET}).flow`, "\nsecret\n"},
		{`globalThis.obo = token("https://graph.microsoft.com/User.Read", {onBehalfOf: String(fromUser)}); "OBO:" + btoa(String(obo))`, "OBO:"},
		{`obo.claims.upn`, "\nalice@contoso.onmicrosoft.com\n"},
		{`globalThis.pat = databricks({flow: "m2m"}).post("/api/2.0/token/create", {comment: "e2e", lifetime_seconds: 600}).get("token_value"); "PAT:" + btoa(pat)`, "PAT:"},
		{`databricks({flow: "pat", token: pat}).get("/api/2.0/clusters/list").status`, "\n200\n"},
		{`databricks({host: "accounts.azuredatabricks.net", flow: "m2m"}).get("/api/2.0/accounts/" + env.DATABRICKS_ACCOUNT_ID + "/workspaces").status`, "\n200\n"},
		{`databricks({flow: "file-oidc"}).get("/api/2.0/preview/scim/v2/Me").status`, "\n200\n"},
		{`databricks({profile: "azsp", flow: "azure-client-secret"}).get("/api/2.0/preview/scim/v2/Me").status`, "\n200\n"},
		{`trace().length > 10`, "\ntrue\n"},
		{`trace.curl(-1)`, "$TOKEN"},
		{`tokens().length > 3`, "\ntrue\n"},
		// The exports land in the working folder, which is scanned below with everything else.
		{`trace.diagram().split("\n")[0]`, "sequenceDiagram"},
		{`trace.har("session.har")`, "session.har"},
		{`trace.http(` + jsString(filepath.Join(work, "session.http")) + `)`, "session.http"},
		{`.report session.html`, "exchanges to session.html"},
	}
	for _, s := range steps {
		tm.line(s.input)
		tm.waitUntil(fmt.Sprintf("%q after %s", s.want, s.input), func(string) bool { return strings.Contains(tm.scrollback(), s.want) })
	}
	for _, m := range handed.FindAllStringSubmatch(tm.scrollback(), -1) {
		v, err := base64.StdEncoding.DecodeString(m[2])
		if err != nil || len(v) < 16 {
			t.Fatalf("%s: not a secret in base64: %q", m[1], m[2])
		}
		secrets["the "+m[1]+" handed out in the session"] = string(v)
	}
	for _, k := range []string{"HDR", "PAT", "OBO"} {
		if _, ok := secrets["the "+k+" handed out in the session"]; !ok {
			t.Fatalf("the session printed no %s", k)
		}
	}
	// The assertions the workload flows read (rewritten at half their hour).
	for _, f := range []string{"federated-token", "databricks-oidc-token"} {
		b, err := os.ReadFile(filepath.Join(emDir, f))
		if err != nil || len(b) < 100 {
			t.Fatalf("the emulator's %s: %v", f, err)
		}
		secrets["the assertion in "+f] = strings.TrimSpace(string(b))
	}
	// The token cache of this run (the emulator's per-run home, beside its
	// world) holds every token the session was given.
	cache := filepath.Join(filepath.Dir(filepath.Dir(world[1])), "tokens.json")
	tokens := scanCachedTokens(t, cache)
	tm.line(".exit")
	tm.waitExit(0)

	screen := tm.scrollback()
	if !strings.Contains(screen, "***") {
		t.Fatal("--debug printed no masked value: was it on?")
	}
	if len(tokens) < 5 || len(secrets) < 4 {
		t.Fatalf("too little to look for: %d tokens, %d secrets", len(tokens), len(secrets))
	}
	places := map[string]string{"the terminal": screen}
	for _, dir := range []string{home, work} {
		_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if b, err := os.ReadFile(p); err == nil {
					places[p] = string(b)
				}
			}
			return nil
		})
	}
	for _, f := range []string{filepath.Join(home, "history"), filepath.Join(work, "session.har"), filepath.Join(work, "session.http"), filepath.Join(work, "session.html")} {
		if _, ok := places[f]; !ok {
			t.Fatalf("no %s was written", f)
		}
	}
	for where, text := range places {
		for what, value := range tokens {
			if strings.Contains(text, value) {
				t.Errorf("%s shows %s", where, what)
			}
		}
		for what, value := range secrets {
			if strings.Contains(text, value) {
				t.Errorf("%s shows %s", where, what)
			}
		}
	}
}

// writeAzureSPProfile writes a ~/.databrickscfg profile "azsp" for the
// world's story app with the azure_client_id / azure_client_secret /
// azure_tenant_id / azure_workspace_resource_id keys.
func writeAzureSPProfile(t *testing.T, worldPath, path string) {
	t.Helper()
	var w struct {
		TenantID      string
		Apps          []struct{ Name, ClientID, ClientSecret string }
		Databricks    struct{ Host string }
		Subscriptions []struct{ ID string }
	}
	if readJSON(t, worldPath, &w); len(w.Subscriptions) == 0 {
		t.Fatal("world: no subscription")
	}
	for _, a := range w.Apps {
		if a.Name == "story-app" {
			p := fmt.Sprintf("[azsp]\nhost = https://%s\nazure_client_id = %s\nazure_client_secret = %s\nazure_tenant_id = %s\n"+
				"azure_workspace_resource_id = /subscriptions/%s/resourceGroups/analytics/providers/Microsoft.Databricks/workspaces/story\n",
				w.Databricks.Host, a.ClientID, a.ClientSecret, w.TenantID, w.Subscriptions[0].ID)
			if err := os.WriteFile(path, []byte(p), 0o600); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatal("no story-app in the world")
}

// scrollback is the whole scrollback, wrapped lines joined.
func (tm *term) scrollback() string {
	return tm.tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "main")
}

// scanWorldSecrets reads the passwords and client secrets of an emulator world.
func scanWorldSecrets(t *testing.T, path string) map[string]string {
	t.Helper()
	var w struct {
		Users      []struct{ Username, Password string }
		Apps       []struct{ Name, ClientSecret string }
		Databricks struct {
			ServicePrincipal struct{ ClientSecret string }
		}
	}
	readJSON(t, path, &w)
	out := map[string]string{}
	for _, u := range w.Users {
		out["the password of "+u.Username] = u.Password
	}
	for _, a := range w.Apps {
		out["the secret of "+a.Name] = a.ClientSecret
	}
	out["the Databricks service principal's secret"] = w.Databricks.ServicePrincipal.ClientSecret
	for k, v := range out {
		if len(v) < 8 {
			delete(out, k) // too short to search for without false hits
		}
	}
	return out
}

// scanCachedTokens reads every access and refresh token in azrepl's cache.
func scanCachedTokens(t *testing.T, path string) map[string]string {
	t.Helper()
	var c struct {
		AccessTokens  map[string]struct{ Secret string }
		RefreshTokens map[string]struct{ Secret string }
	}
	readJSON(t, path, &c)
	out := map[string]string{}
	for k, e := range c.AccessTokens {
		out["access token "+k] = e.Secret
	}
	for k, e := range c.RefreshTokens {
		out["refresh token "+k] = e.Secret
	}
	return out
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
