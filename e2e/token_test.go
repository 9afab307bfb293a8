package e2e

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator"
)

// tokenEnv starts an emulator, signs in once (device code, approved by the
// emulator) into a fresh AZREPL_HOME and returns the emulator and the env.
func tokenEnv(t *testing.T) (*emulator.Emulator, []string) {
	t.Helper()
	em, env := robustEmulator(t, emulator.Config{ApproveAfter: 200 * time.Millisecond})
	env = robustEnv(env, "AZREPL_HOME="+t.TempDir())
	if r := robustRun(t, env, "-e", "login().username"); r.code != 0 {
		t.Fatalf("login: exit %d: %s", r.code, r.stderr)
	}
	return em, env
}

// jwtClaims decodes a JWT's payload.
func jwtClaims(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(strings.TrimSpace(tok), ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %.40q", tok)
	}
	raw, err := decodeB64URL(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTokenCommandFormats(t *testing.T) {
	em, env := tokenEnv(t)
	tenant := em.World().TenantID

	r := robustRun(t, env, "token")
	if r.code != 0 {
		t.Fatalf("token: exit %d: %s", r.code, r.stderr)
	}
	if aud := jwtClaims(t, r.stdout)["aud"]; aud != "https://management.core.windows.net/" {
		t.Errorf("default token's aud = %v, want ARM", aud)
	}

	// A resource means its .default scope; -o az is az's JSON, keys in az's order.
	r = robustRun(t, env, "token", "https://graph.microsoft.com", "-o", "az")
	if r.code != 0 {
		t.Fatalf("token -o az: exit %d: %s", r.code, r.stderr)
	}
	var keys []string
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	for dec.More() {
		k, _ := dec.Token()
		keys = append(keys, k.(string))
		var skip json.RawMessage
		_ = dec.Decode(&skip)
	}
	if got := strings.Join(keys, ","); got != "accessToken,expiresOn,expires_on,subscription,tenant,tokenType" {
		t.Errorf("az keys = %s", got)
	}
	var az struct {
		AccessToken, ExpiresOn, Subscription, Tenant, TokenType string
		ExpiresOnInt                                            int64 `json:"expires_on"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &az); err != nil {
		t.Fatal(err)
	}
	if aud := jwtClaims(t, az.AccessToken)["aud"]; aud != "https://graph.microsoft.com" && aud != "00000003-0000-0000-c000-000000000000" {
		t.Errorf("graph token aud = %v", aud)
	}
	local, err := time.ParseInLocation("2006-01-02 15:04:05.999999", az.ExpiresOn, time.Local)
	if err != nil || local.Unix() != az.ExpiresOnInt {
		t.Errorf("expiresOn %q (%v) and expires_on %d disagree", az.ExpiresOn, err, az.ExpiresOnInt)
	}
	if sub := em.World().Subscriptions[0].ID; az.Tenant != tenant || az.Subscription != sub || az.TokenType != "Bearer" {
		t.Errorf("az output: tenant %q subscription %q type %q, want tenant %s subscription %s", az.Tenant, az.Subscription, az.TokenType, tenant, sub)
	}

	r = robustRun(t, env, "token", "https://graph.microsoft.com/.default", "-o", "header")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "Authorization: Bearer ey") || strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("-o header: exit %d %q", r.code, r.stdout)
	}
	r = robustRun(t, env, "token", "--output=json")
	var js map[string]any
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &js) != nil || js["scope"] == nil || js["accessToken"] == nil {
		t.Errorf("-o json: exit %d %q", r.code, r.stdout)
	}
	r = robustRun(t, env, "token", "-o", "databricks", auth2ff814)
	var db struct{ AccessToken, TokenType, Expiry string }
	if r.code != 0 || json.Unmarshal([]byte(strings.NewReplacer("access_token", "AccessToken", "token_type", "TokenType").Replace(r.stdout)), &db) != nil {
		t.Fatalf("-o databricks: exit %d %q %s", r.code, r.stdout, r.stderr)
	}
	if _, err := time.Parse(time.RFC3339Nano, db.Expiry); err != nil || db.TokenType != "Bearer" || db.AccessToken == "" {
		t.Errorf("-o databricks: %+v (%v)", db, err)
	}

	// Errors: one line, the code table's exit status.
	r = robustRun(t, env, "token", "-o", "yaml")
	if msg := robustOneLineError(t, "bad -o", r); r.code != 2 || !strings.Contains(msg, "yaml") {
		t.Errorf("bad -o: exit %d %q", r.code, msg)
	}
	fresh := robustEnv(env, "AZREPL_HOME="+t.TempDir())
	r = robustRun(t, fresh, "token")
	if msg := robustOneLineError(t, "no login", r); r.code != 3 || !strings.Contains(msg, "run azrepl login first") {
		t.Errorf("no login: exit %d %q", r.code, msg)
	}
}

// auth2ff814 is the Azure Databricks resource (an app id: a resource).
const auth2ff814 = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d"

// shimDir makes a folder with az and databricks symlinks to azrepl, made by
// `azrepl shim --dir`.
func shimDir(t *testing.T, env []string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "bin")
	r := robustRun(t, env, "shim", "--dir", dir)
	if r.code != 0 {
		t.Fatalf("shim: exit %d: %s", r.code, r.stderr)
	}
	for _, n := range []string{"az", "databricks"} {
		if target, err := os.Readlink(filepath.Join(dir, n)); err != nil || filepath.Base(target) != filepath.Base(bin) {
			t.Fatalf("%s: %q %v", n, target, err)
		}
	}
	return dir
}

// runIn runs the program name (a shim, say) with env, bounded as robustRun is.
func runIn(t *testing.T, env []string, name string, args ...string) robustResult {
	t.Helper()
	return runWithin(t, 90*time.Second, "", env, append([]string{name}, args...)...)
}

func TestAzShimAnswersTokenCommands(t *testing.T) {
	em, env := tokenEnv(t)
	dir := shimDir(t, env)
	az := filepath.Join(dir, "az")

	// Terraform's style: --flag=value, -o=json.
	r := runIn(t, env, az, "account", "get-access-token", "--resource=https://graph.microsoft.com/", "--tenant="+em.World().TenantID, "-o=json")
	var tok map[string]any
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &tok) != nil {
		t.Fatalf("get-access-token: exit %d %q %s", r.code, r.stdout, r.stderr)
	}
	if _, has := tok["subscription"]; has {
		t.Errorf("with --tenant az reports no subscription: %v", tok)
	}
	r = runIn(t, env, az, "account", "get-access-token", "--query", "accessToken", "-o", "tsv")
	if r.code != 0 || strings.Count(strings.TrimSpace(r.stdout), ".") != 2 {
		t.Errorf("--query accessToken -o tsv: exit %d %q", r.code, r.stdout)
	}
	r = runIn(t, env, az, "account", "get-access-token", "--scope", "https://graph.microsoft.com/.default", "--query", "{t: tokenType, e: expires_on}")
	var q map[string]any
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &q) != nil || q["t"] != "Bearer" || q["e"] == nil {
		t.Errorf("--query hash: exit %d %q", r.code, r.stdout)
	}
	r = runIn(t, env, az, "account", "show", "--output", "json")
	var show struct {
		TenantID string
		User     struct{ Name, Type string }
	}
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &show) != nil || show.TenantID != em.World().TenantID || show.User.Type != "user" {
		t.Errorf("account show: exit %d %q", r.code, r.stdout)
	}
	// With no other az or databricks on PATH, the shims say what they are
	// (with one, they hand the command to it: TestShimPassesThrough in cmd).
	alone := robustEnv(env, "PATH="+dir)
	r = runIn(t, alone, az, "group", "list")
	if msg := robustOneLineError(t, "az group list", r); !strings.Contains(msg, "azrepl") || !strings.Contains(msg, "only serves tokens") {
		t.Errorf("other az command: %q", msg)
	}
	r = runIn(t, alone, filepath.Join(dir, "databricks"), "clusters", "list")
	if msg := robustOneLineError(t, "databricks clusters list", r); !strings.Contains(msg, "only serves tokens") {
		t.Errorf("other databricks command: %q", msg)
	}
	r = runIn(t, env, filepath.Join(dir, "databricks"), "version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "Databricks CLI v") {
		t.Errorf("databricks version: %d %q", r.code, r.stdout)
	}
	// databricks auth token for the Azure Databricks workspace: an Entra
	// token of the login for the Azure Databricks resource.
	host := "https://" + em.World().Databricks.Host
	r = runIn(t, env, filepath.Join(dir, "databricks"), "auth", "token", "--host", host)
	var db map[string]string
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &db) != nil || db["access_token"] == "" || db["expiry"] == "" {
		t.Fatalf("databricks auth token: exit %d %q %s", r.code, r.stdout, r.stderr)
	}
	if aud := jwtClaims(t, db["access_token"])["aud"]; aud != auth2ff814 {
		t.Errorf("databricks token aud = %v", aud)
	}
}

func TestEnvIsEvalSafe(t *testing.T) {
	em, env := tokenEnv(t)
	env = robustEnv(env, "AZURE_SUBSCRIPTION_ID=it's $(not run)")
	r := robustRun(t, env, "env", "--databricks", "--host", em.World().Databricks.Host)
	if r.code != 0 {
		t.Fatalf("env: exit %d %s", r.code, r.stderr)
	}
	sh := exec.Command("sh", "-c", `eval "$("$0" env --databricks --host "$1")" && printf '%s|%s|%s|%s' "$AZURE_TENANT_ID" "$AZURE_SUBSCRIPTION_ID" "$DATABRICKS_HOST" "$DATABRICKS_AUTH_TYPE"`, bin, em.World().Databricks.Host)
	sh.Env = env
	out, err := sh.Output()
	if err != nil {
		t.Fatalf("eval: %v %s", err, out)
	}
	want := em.World().TenantID + "|it's $(not run)|https://" + strings.ToLower(em.World().Databricks.Host) + "|pat"
	if string(out) != want {
		t.Errorf("after eval: %q, want %q", out, want)
	}
	if !strings.Contains(r.stdout, "export DATABRICKS_TOKEN='ey") {
		t.Errorf("no DATABRICKS_TOKEN in %q", r.stdout)
	}
	for _, secret := range []string{"AZURE_CLIENT_SECRET", "password", "refresh"} {
		if strings.Contains(r.stdout, secret) {
			t.Errorf("env prints %s", secret)
		}
	}
}

func decodeB64URL(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

// TestEnvNamesWhoseDatabricksToken: azrepl env --databricks says whose
// DATABRICKS_TOKEN is: the workspace's service principal when its client id
// and secret are set (not the azrepl login above it), else the login's
// Entra token.
func TestEnvNamesWhoseDatabricksToken(t *testing.T) {
	em, env := tokenEnv(t)
	host := em.World().Databricks.Host
	sp := em.World().Databricks.ServicePrincipal
	tokenLine := func(r robustResult) string {
		for _, l := range strings.Split(r.stdout, "\n") {
			if strings.HasPrefix(l, "# DATABRICKS_TOKEN") {
				return l
			}
		}
		t.Fatalf("no DATABRICKS_TOKEN comment in %q (%s)", r.stdout, r.stderr)
		return ""
	}
	m2m := robustRun(t, robustEnv(env, "DATABRICKS_CLIENT_ID="+sp.ClientID, "DATABRICKS_CLIENT_SECRET="+sp.ClientSecret), "env", "--databricks", "--host", host)
	if l := tokenLine(m2m); !strings.Contains(l, "service principal "+sp.ClientID) || strings.Contains(l, "alice") {
		t.Errorf("m2m: %q", l)
	}
	entra := robustRun(t, env, "env", "--databricks", "--host", host)
	if l := tokenLine(entra); !strings.Contains(l, "alice@") || strings.Contains(l, "service principal") {
		t.Errorf("Entra: %q", l)
	}
}

// TestAzOutputNamesTheSubscription: -o az and the az shim report the
// login's default subscription (the first enabled one ARM lists in its
// tenant), as az does after az login, not the tenant id; ARM is asked once,
// then the answer is kept.
func TestAzOutputNamesTheSubscription(t *testing.T) {
	em, env := tokenEnv(t)
	want := em.World().Subscriptions[0]
	listed := func() int {
		n := 0
		for _, e := range robustLog(t, env) {
			if e.Path == "/subscriptions" {
				n++
			}
		}
		return n
	}
	for i := range 2 {
		r := robustRun(t, env, "token", "-o", "az")
		var tok map[string]any
		if r.code != 0 || json.Unmarshal([]byte(r.stdout), &tok) != nil {
			t.Fatalf("token -o az: exit %d %q %s", r.code, r.stdout, r.stderr)
		}
		if tok["subscription"] != want.ID {
			t.Errorf("call %d: subscription %v, want %s", i+1, tok["subscription"], want.ID)
		}
	}
	if n := listed(); n != 1 {
		t.Errorf("ARM's /subscriptions asked %d times, want once", n)
	}
	r := runIn(t, env, filepath.Join(shimDir(t, env), "az"), "account", "show")
	var show struct{ ID, Name, TenantID string }
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &show) != nil {
		t.Fatalf("az account show: exit %d %q %s", r.code, r.stdout, r.stderr)
	}
	if show.ID != want.ID || show.Name != want.DisplayName || show.TenantID != em.World().TenantID {
		t.Errorf("az account show: %+v, want %s %q", show, want.ID, want.DisplayName)
	}
}
