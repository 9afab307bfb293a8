package sdkfidelity_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/emulatortest"
	"github.com/azrepl/azrepl/internal/testenv"
	sdk "github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/databricks/databricks-sdk-go/service/compute"
	"github.com/databricks/databricks-sdk-go/service/iam"
	"github.com/databricks/databricks-sdk-go/service/settings"
)

var (
	em  *emulator.Emulator
	dir string
)

// TestMain starts one emulator and points the process at it the way its env
// file does: Go reads HTTPS_PROXY and SSL_CERT_FILE once per process.
func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	var err error
	if dir, err = os.MkdirTemp("", "sdkfidelity-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	return emulatortest.Main(emulator.Config{Dir: dir, ApproveAfter: 300 * time.Millisecond}, func(started *emulator.Emulator) int {
		em = started
		return runWith(m)
	})
}

// runWith runs the tests with the process's environment pointed at em.
func runWith(m *testing.M) int {
	for k, v := range map[string]string{
		"HTTPS_PROXY": em.ProxyURL().String(), "NO_PROXY": "localhost,127.0.0.1",
		"SSL_CERT_FILE": filepath.Join(dir, "ca-bundle.pem"), "REQUESTS_CA_BUNDLE": filepath.Join(dir, "ca-bundle.pem"),
		"HOME": dir, "AZURE_CONFIG_DIR": filepath.Join(dir, "az"), "AZURE_CORE_COLLECT_TELEMETRY": "false",
		"DATABRICKS_CONFIG_FILE": filepath.Join(dir, "no-databrickscfg"),
	} {
		os.Setenv(k, v)
	}
	// Nothing of the developer's own configuration may leak in.
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "DATABRICKS_") && k != "DATABRICKS_CONFIG_FILE" || strings.HasPrefix(k, "ARM_") || strings.HasPrefix(k, "AZURE_CLIENT") {
			os.Unsetenv(k)
		}
	}
	return m.Run()
}

func workspaceURL() string { return "https://" + em.World().Databricks.Host }

// setEnv sets the SDK's variables for one test.
func setEnv(t *testing.T, kv map[string]string) {
	for k, v := range kv {
		t.Setenv(k, v)
	}
}

// me signs in as the SDK does from the environment and returns the current user's name.
func me(t *testing.T) string {
	t.Helper()
	w, err := sdk.NewWorkspaceClient()
	if err != nil {
		t.Fatalf("workspace client: %v", err)
	}
	u, err := w.CurrentUser.Me(t.Context(), iam.MeRequest{})
	if err != nil {
		t.Fatalf("Me: %v", err)
	}
	clusters, err := w.Clusters.ListAll(t.Context(), compute.ListClustersRequest{})
	if err != nil || len(clusters) != em.World().Databricks.Clusters {
		t.Fatalf("clusters: %d %v", len(clusters), err)
	}
	return u.UserName
}

func TestOAuthM2M(t *testing.T) {
	sp := em.World().Databricks.ServicePrincipal
	setEnv(t, map[string]string{"DATABRICKS_HOST": workspaceURL(), "DATABRICKS_AUTH_TYPE": "oauth-m2m",
		"DATABRICKS_CLIENT_ID": sp.ClientID, "DATABRICKS_CLIENT_SECRET": sp.ClientSecret})
	if got := me(t); got != sp.ClientID {
		t.Fatalf("Me = %q, want the service principal %s", got, sp.ClientID)
	}
}

// The same from a ~/.databrickscfg profile, with no auth type named: the SDK's
// default chain picks oauth-m2m.
func TestOAuthM2MFromConfigFile(t *testing.T) {
	sp := em.World().Databricks.ServicePrincipal
	cfg := filepath.Join(t.TempDir(), ".databrickscfg")
	if err := os.WriteFile(cfg, []byte("[emulated]\nhost = "+workspaceURL()+"\nclient_id = "+sp.ClientID+"\nclient_secret = "+sp.ClientSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	setEnv(t, map[string]string{"DATABRICKS_CONFIG_FILE": cfg, "DATABRICKS_CONFIG_PROFILE": "emulated"})
	if got := me(t); got != sp.ClientID {
		t.Fatalf("Me = %q", got)
	}
}

func TestPAT(t *testing.T) {
	pat := em.World().Databricks.PATs[0]
	setEnv(t, map[string]string{"DATABRICKS_HOST": workspaceURL(), "DATABRICKS_TOKEN": pat.Value})
	if got := me(t); got != pat.Owner {
		t.Fatalf("Me = %q, want %s", got, pat.Owner)
	}
	// A PAT made through the SDK works, and is refused once deleted.
	w, err := sdk.NewWorkspaceClient()
	if err != nil {
		t.Fatal(err)
	}
	created, err := w.Tokens.Create(t.Context(), settings.CreateTokenRequest{Comment: "sdk", LifetimeSeconds: 600})
	if err != nil || !strings.HasPrefix(created.TokenValue, "dapi") {
		t.Fatalf("create: %v", err)
	}
	t.Setenv("DATABRICKS_TOKEN", created.TokenValue)
	if got := me(t); got != pat.Owner {
		t.Fatalf("Me with the new PAT = %q", got)
	}
	if err := w.Tokens.DeleteByTokenId(t.Context(), created.TokenInfo.TokenId); err != nil {
		t.Fatalf("delete: %v", err)
	}
	w2, err := sdk.NewWorkspaceClient()
	if err != nil {
		t.Fatal(err)
	}
	_, err = w2.CurrentUser.Me(t.Context(), iam.MeRequest{})
	var ae *apierr.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 403 || ae.Message != "Invalid access token." {
		t.Fatalf("deleted PAT: %v", err)
	}
}

func TestAccountM2M(t *testing.T) {
	db := em.World().Databricks
	setEnv(t, map[string]string{"DATABRICKS_HOST": "https://" + db.AccountsHost, "DATABRICKS_ACCOUNT_ID": db.AccountID,
		"DATABRICKS_AUTH_TYPE": "oauth-m2m", "DATABRICKS_CLIENT_ID": db.ServicePrincipal.ClientID, "DATABRICKS_CLIENT_SECRET": db.ServicePrincipal.ClientSecret})
	a, err := sdk.NewAccountClient()
	if err != nil {
		t.Fatal(err)
	}
	list, err := a.Workspaces.List(t.Context())
	if err != nil || len(list) != 1 || list[0].DeploymentName != strings.SplitN(db.Host, ".", 2)[0] {
		t.Fatalf("workspaces: %+v %v", list, err)
	}
}

// An Entra token for another resource sent as a token: the SDK reports the
// workspace's HTML 400 as a BadRequest carrying the jjwt message.
func TestWrongAudienceReachesTheSDKAsTheRealServiceWords(t *testing.T) {
	tok := entraToken(t, "https://management.core.windows.net/")
	setEnv(t, map[string]string{"DATABRICKS_HOST": workspaceURL(), "DATABRICKS_TOKEN": tok})
	w, err := sdk.NewWorkspaceClient()
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.CurrentUser.Me(t.Context(), iam.MeRequest{})
	if err == nil || !strings.Contains(err.Error(), "io.jsonwebtoken.IncorrectClaimException: Expected aud claim to be: 2ff814a6-3304-4ab8-85cb-cd0e6f879c1d") {
		t.Fatalf("err = %v", err)
	}
}

func TestAzureCLI(t *testing.T) {
	az := testenv.LookPath(t, "az")
	azLogin(t, az)
	// No tenant given: the SDK learns it from the workspace's /aad/auth redirect.
	setEnv(t, map[string]string{"DATABRICKS_HOST": workspaceURL(), "DATABRICKS_AUTH_TYPE": "azure-cli"})
	if got, want := me(t), em.World().Users[0].Username; got != want {
		t.Fatalf("Me = %q, want %s", got, want)
	}
	log, err := os.ReadFile(filepath.Join(dir, "requests.log"))
	asked := false
	for _, line := range strings.Split(string(log), "\n") {
		asked = asked || strings.Contains(line, `"host":"`+em.World().Databricks.Host+`"`) && strings.Contains(line, `"path":"/aad/auth"`)
	}
	if !asked {
		t.Fatalf("the SDK did not ask the workspace for its tenant (/aad/auth): %v", err)
	}
}

// azLogin signs the real az in as alice with the device code (auto-approved).
func azLogin(t *testing.T, az string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	for _, args := range [][]string{{"config", "set", "core.collect_telemetry=false"}, {"login", "--use-device-code", "--allow-no-subscriptions"}} {
		cmd := exec.CommandContext(ctx, az, args...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("az %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
	}
}

// entraToken is an app token (reader-app, client credentials) for resource.
func entraToken(t *testing.T, resource string) string {
	t.Helper()
	app := emulatortest.App(t, em, "reader-app")
	resp, err := em.HTTPClient().PostForm("https://login.microsoftonline.com/"+em.World().TenantID+"/oauth2/v2.0/token", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {app.ClientID}, "client_secret": {app.ClientSecret}, "scope": {resource + "/.default"}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.AccessToken == "" {
		t.Fatalf("token for %s: %d %v", resource, resp.StatusCode, err)
	}
	return body.AccessToken
}

// azure-client-secret: Entra client credentials at the v1 endpoint with
// resource=, twice (Azure Databricks and the management token the SDK sends
// in X-Databricks-Azure-SP-Management-Token). story-app is not a workspace
// member but manages the workspace resource: the management token lets it in.
func TestAzureClientSecret(t *testing.T) {
	app := emulatortest.App(t, em, "story-app")
	setEnv(t, map[string]string{"DATABRICKS_HOST": workspaceURL(), "DATABRICKS_AUTH_TYPE": "azure-client-secret",
		"ARM_CLIENT_ID": app.ClientID, "ARM_CLIENT_SECRET": app.ClientSecret, "ARM_TENANT_ID": em.World().TenantID})
	if got := me(t); got != app.ClientID {
		t.Fatalf("Me = %q, want story-app %s", got, app.ClientID)
	}
}

// file-oidc: Databricks workload identity federation. The workload's OIDC
// token (from the emulator's issuer, for the workspace token endpoint) is
// exchanged (RFC 8693) under the service principal's federation policy.
func TestFileOIDCFederation(t *testing.T) {
	db := em.World().Databricks
	tok, err := em.FederatedToken("system:serviceaccount:default:workload", workspaceURL()+"/oidc/v1/token", 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "oidc-token")
	if err := os.WriteFile(file, []byte(tok), 0o600); err != nil {
		t.Fatal(err)
	}
	setEnv(t, map[string]string{"DATABRICKS_HOST": workspaceURL(), "DATABRICKS_AUTH_TYPE": "file-oidc",
		"DATABRICKS_CLIENT_ID": db.ServicePrincipal.ClientID, "DATABRICKS_OIDC_TOKEN_FILEPATH": file})
	if got := me(t); got != db.ServicePrincipal.ClientID {
		t.Fatalf("Me = %q", got)
	}
	// Another subject is refused with the exchange's own error.
	other, err := em.FederatedToken("system:serviceaccount:default:intruder", workspaceURL()+"/oidc/v1/token", 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(other), 0o600); err != nil {
		t.Fatal(err)
	}
	w, err := sdk.NewWorkspaceClient()
	if err == nil {
		_, err = w.CurrentUser.Me(t.Context(), iam.MeRequest{})
	}
	if err == nil || !strings.Contains(err.Error(), "no federation policy matches") {
		t.Fatalf("intruder: %v", err)
	}
}
