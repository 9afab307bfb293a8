package bindings_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/bindings"
	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/runtime"
	"github.com/dop251/goja"
)

const (
	authGraphScope       = "https://graph.microsoft.com/.default"
	authPowerShellClient = "1950a258-227b-4e31-a9cf-717495945fc2"
	authCLIClient        = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
)

func TestDeviceLoginTokenFOCILogout(t *testing.T) {
	h := newHarness(t, commandLine(), emulated(emulator.Config{TokenLifetime: time.Hour})) // the printed token says "expires in 59m"
	alice := h.user("alice")

	acct := h.value("login()")
	want := map[string]any{"username": alice.Username, "tenantId": h.world.TenantID, "objectId": alice.ObjectID,
		"clientId": authCLIClient, "flow": "device"}
	for k, v := range want {
		if acct[k] != v {
			t.Errorf("account.%s = %v, want %v", k, acct[k], v)
		}
	}
	if a, _ := acct["authority"].(string); !strings.HasPrefix(a, "https://login.microsoftonline.com/") {
		t.Errorf("account.authority = %q", a)
	}
	if s := h.stderr.String(); !strings.Contains(s, "First copy your one-time code: ") || !strings.Contains(s, "https://microsoft.com/devicelogin") {
		t.Errorf("stderr does not show the device code and where to enter it:\n%s", s)
	}
	if p := h.rt.Env().Prompt; p == nil || p() != "alice@contoso…" {
		t.Errorf("prompt prefix after login = %q, want %q", h.prompt(), "alice@contoso…")
	}

	tok := h.value(`(function(){ const t = token("` + authGraphScope + `");
		return {audience: t.audience, scope: t.scope, isDate: t.expiresOn instanceof Date,
			minutes: (t.expiresOn - Date.now()) / 60000, upn: t.claims.upn, tid: t.claims.tid,
			same: String(t) === t.token, parts: t.token.split(".").length, clientId: t.clientId} })()`)
	if tok["audience"] != "https://graph.microsoft.com" || tok["isDate"] != true || tok["same"] != true ||
		tok["parts"] != float64(3) || tok["upn"] != alice.Username || tok["tid"] != h.world.TenantID {
		t.Errorf("graph token = %v", tok)
	}
	if m, _ := tok["minutes"].(float64); m < 50 || m > 61 {
		t.Errorf("graph token expires in %v minutes, want about 60", m)
	}

	// Printed in the REPL or encoded, a Token shows what it is, never the JWT.
	jwt := h.run(`globalThis.t = token("` + authGraphScope + `"); t.token`)
	var printed string
	h.rt.Do(func(vm *goja.Runtime) { printed = runtime.Format(vm, vm.Get("t"), false) })
	for _, s := range []string{"https://graph.microsoft.com", "expires in 59m", alice.Username, "scp"} {
		if !strings.Contains(printed, s) {
			t.Errorf("printed token lacks %q:\n%s", s, printed)
		}
	}
	for name, text := range map[string]string{
		"printed":        printed,
		"JSON.stringify": h.run("JSON.stringify(t)"),
		"spread":         h.run("JSON.stringify({...t})"),
		"Object.keys":    h.run("Object.keys(t).join(',')"),
	} {
		if strings.Contains(text, jwt) || strings.Contains(text, strings.Split(jwt, ".")[2]) {
			t.Errorf("%s of a Token contains the JWT", name)
		}
	}

	// FOCI: the Azure CLI's family refresh token redeemed as Azure PowerShell.
	foci := h.value(`(function(){ const t = token("` + authGraphScope + `", {clientId: "` + authPowerShellClient + `"});
		return {clientId: t.clientId, appid: t.claims.appid, audience: t.audience} })()`)
	if foci["clientId"] != authPowerShellClient || foci["appid"] != authPowerShellClient || foci["audience"] != "https://graph.microsoft.com" {
		t.Errorf("FOCI token = %v", foci)
	}

	if n := h.run("String(accounts().length)"); n != "1" {
		t.Errorf("accounts() has %s entries, want 1", n)
	}
	cache := h.run("JSON.stringify(tokens())")
	if !strings.Contains(cache, `"kind":"refresh"`) || !strings.Contains(cache, authPowerShellClient) {
		t.Errorf("tokens() = %s", cache)
	}
	if strings.Contains(cache, jwt) {
		t.Error("tokens() shows an access token")
	}

	h.run("logout()")
	if p := h.prompt(); p != "" {
		t.Errorf("prompt prefix after logout = %q", p)
	}
	e := h.thrown(`token("` + authGraphScope + `")`)
	if e["code"] != "UNAUTHENTICATED" || e["exitCode"] != float64(3) || e["hint"] == nil {
		t.Errorf("token() after logout threw %v", e)
	}
	assertTraceHasNoSecrets(t, h, jwt)
}

func TestSecretAndCertificateLogins(t *testing.T) {
	h := newHarness(t, commandLine())
	story, reader := h.app("story-app"), h.app("reader-app")

	// AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET come from the
	// emulator's defaults in env.
	if got := h.run("env.AZURE_CLIENT_ID + ' ' + env.AZREPL_EMULATOR"); got != story.ClientID+" 1" {
		t.Fatalf("env = %q", got)
	}
	acct := h.value(`login({flow: "secret"})`)
	if acct["clientId"] != story.ClientID || acct["flow"] != "secret" || acct["username"] != nil || acct["tenantId"] != h.world.TenantID {
		t.Errorf("secret login = %v", acct)
	}
	if p := h.prompt(); p != "app "+story.ClientID[:8]+"…" {
		t.Errorf("prompt prefix of an app login = %q", p)
	}
	tok := h.value(`(function(){ const t = token("` + authGraphScope + `"); return {aud: t.audience, appid: t.claims.appid, roles: t.claims.roles || null} })()`)
	if tok["aud"] != "https://graph.microsoft.com" || tok["appid"] != story.ClientID || tok["roles"] != nil {
		t.Errorf("story-app's Graph token = %v (it has no Graph role)", tok)
	}

	// An explicit secret, passed by the script.
	acct = h.value(fmt.Sprintf(`login({flow: "secret", tenant: %q, clientId: %q, clientSecret: %q})`,
		h.world.TenantID, reader.ClientID, reader.ClientSecret))
	if acct["clientId"] != reader.ClientID {
		t.Errorf("reader-app secret login = %v", acct)
	}

	// The certificate: reader-app's PEM files from the world, copied into
	// the script's folder (a script's paths are confined like fs's).
	pems := h.copyIn(reader.CertificatePath, reader.KeyPath)
	acct = h.value(fmt.Sprintf(`login({flow: "certificate", tenant: %q, clientId: %q, certificate: [%q, %q]})`,
		h.world.TenantID, reader.ClientID, pems[0], pems[1]))
	if acct["flow"] != "certificate" || acct["clientId"] != reader.ClientID {
		t.Errorf("certificate login = %v", acct)
	}
	roles := h.run(`token("` + authGraphScope + `", {force: true}).claims.roles.join(" ")`)
	if !strings.Contains(roles, "Group.Read.All") {
		t.Errorf("reader-app's roles = %q", roles)
	}

	// A wrong secret: a typed error with the AADSTS code and a hint.
	bad := "Zq8~this-is-not-the-secret-0123456789abcdef"
	e := h.thrown(fmt.Sprintf(`login({flow: "secret", tenant: %q, clientId: %q, clientSecret: %q})`,
		h.world.TenantID, story.ClientID, bad))
	if e["code"] != "INVALID_CLIENT" || e["aadsts"] != "AADSTS7000215" || e["exitCode"] != float64(6) {
		t.Errorf("bad secret threw %v", e)
	}
	if hint, _ := e["hint"].(string); !strings.Contains(hint, "secret") {
		t.Errorf("bad secret's hint = %q", hint)
	}
	if s, _ := e["status"].(float64); s < 400 {
		t.Errorf("bad secret's status = %v", e["status"])
	}
	if msg, _ := e["message"].(string); strings.Contains(msg, bad) {
		t.Error("the error message repeats the secret")
	}
	assertTraceHasNoSecrets(t, h, bad)
}

func TestLoginOptionsAreChecked(t *testing.T) {
	h := newHarness(t, commandLine())
	e := h.thrown(`login({clientID: "x"})`)
	if msg, _ := e["message"].(string); e["code"] != "BAD_ARGUMENT" || !strings.Contains(msg, `"clientID"`) {
		t.Errorf("a misspelt option threw %v", e)
	}
	e = h.thrown(`token(undefined, {tenants: "x"})`)
	if e["code"] != "BAD_ARGUMENT" {
		t.Errorf("a misspelt token option threw %v", e)
	}
	e = h.thrown(`token()`)
	if e["code"] != "UNAUTHENTICATED" {
		t.Errorf("token() before any login threw %v", e)
	}
}

// assertTraceHasNoSecrets: every exchange recorded (URL, headers, bodies,
// curl form) is free of the world's secrets and of the extra values.
func assertTraceHasNoSecrets(t *testing.T, h *harness, extra ...string) {
	t.Helper()
	secrets := append([]string(nil), extra...)
	for _, u := range h.world.Users {
		secrets = append(secrets, u.Password)
	}
	for _, a := range h.world.Apps {
		secrets = append(secrets, a.ClientSecret)
	}
	secrets = append(secrets, h.world.Databricks.ServicePrincipal.ClientSecret)
	trace := h.http.Trace()
	if len(trace) == 0 {
		t.Fatal("the trace is empty: the flows did not go through the HTTP client")
	}
	for _, x := range trace {
		text := fmt.Sprintf("%+v\n%s", x, x.Curl())
		for _, s := range secrets {
			if s != "" && strings.Contains(text, s) {
				t.Errorf("exchange %d (%s %s) shows a secret", x.Index, x.Method, x.URL)
			}
		}
	}
}

// TestPromptShowsCachedAccountAtStart: a new runtime's prompt shows the
// default account of the token cache (read when the prompt is first shown,
// not when the runtime is made).
func TestPromptShowsCachedAccountAtStart(t *testing.T) {
	h := newHarness(t, commandLine())
	story := h.app("story-app")
	h.run(`login({flow: "secret"})`)
	rt, err := runtime.New(runtime.Options{Stdout: h.stdout, Stderr: h.stderr, Dir: t.TempDir(), Environ: h.environ(),
		Setup: func(e *bindings.Env) error { e.HTTP, e.Auth = h.http, h.session; return nil }})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	if p := rt.Env().Prompt; p == nil {
		t.Fatal("no prompt hook")
	} else if got := p(); got != "app "+story.ClientID[:8]+"…" {
		t.Errorf("prompt prefix of a new runtime = %q", got)
	}
}
