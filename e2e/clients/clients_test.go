// Package clients runs real clients against azrepl as their token source:
// azidentity's AzureCLICredential and the Databricks SDK for Go's azure-cli
// and databricks-cli auth find the az and databricks shims first on PATH
// (symlinks to the built azrepl, made by `azrepl shim`), and kubectl's exec
// credential plugin code (client-go) runs `azrepl token -o exec-credential`
// (for the ARM resource: the emulator has no AKS server app).
// The tokens then call the emulator.
package clients

import (
	"bytes"
	"context"
	stdjson "encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/emulatortest"
	"github.com/azrepl/azrepl/internal/testenv"
	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/service/iam"
	clientauthv1 "k8s.io/client-go/pkg/apis/clientauthentication/v1"
	kexec "k8s.io/client-go/plugin/pkg/client/auth/exec"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"k8s.io/client-go/transport"
	"sigs.k8s.io/json"
)

// bin is azrepl, built once.
var bin string

func TestMain(m *testing.M) { testenv.RunWithAzrepl(m, &bin) }

// world is one emulator with a signed-in azrepl and the shims first on
// this process's PATH: the SDKs spawn az and databricks with os.Environ().
type world struct {
	em   *emulator.Emulator
	home string
}

func setup(t *testing.T) *world {
	t.Helper()
	dir := t.TempDir()
	em := emulatortest.Start(t, emulator.Config{Dir: dir, ApproveAfter: 200 * time.Millisecond})
	home := t.TempDir()
	shims := filepath.Join(t.TempDir(), "bin")
	// Set before anything in this process reads them (the proxy and the
	// root pool are read once per process).
	t.Setenv("HOME", home)
	t.Setenv("AZREPL_HOME", filepath.Join(home, "azrepl"))
	t.Setenv("HTTPS_PROXY", em.ProxyURL().String())
	t.Setenv("NO_PROXY", "localhost,127.0.0.1")
	t.Setenv("SSL_CERT_FILE", filepath.Join(dir, "ca.pem"))
	for _, k := range []string{"AZURE_CONFIG_DIR", "DATABRICKS_HOST", "DATABRICKS_TOKEN", "DATABRICKS_CONFIG_PROFILE", "DATABRICKS_AUTH_TYPE", "AZURE_SUBSCRIPTION_ID"} {
		t.Setenv(k, "")
	}
	azrepl(t, "shim", "--dir", shims)
	t.Setenv("PATH", shims+string(os.PathListSeparator)+os.Getenv("PATH"))
	if got := azrepl(t, "-e", "login().username"); !strings.Contains(got, "alice") {
		t.Fatalf("login: %q", got)
	}
	return &world{em: em, home: home}
}

func azrepl(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out, errb bytes.Buffer
	c := exec.CommandContext(ctx, bin, args...)
	c.Stdout, c.Stderr = &out, &errb
	if err := c.Run(); err != nil {
		t.Fatalf("azrepl %q: %v: %s", args, err, errb.String())
	}
	return out.String()
}

// graphGroups calls the emulator's Graph with token and returns the status.
func graphGroups(t *testing.T, w *world, token string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", "https://graph.microsoft.com/v1.0/groups?$top=5", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := w.em.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct{ Value []any }
	_ = stdjson.Unmarshal(mustRead(t, resp), &body)
	if resp.StatusCode == 200 && len(body.Value) == 0 {
		t.Error("Graph answered 200 with no groups")
	}
	return resp.StatusCode
}

func mustRead(t *testing.T, resp *http.Response) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := b.ReadFrom(resp.Body); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestAzureCLICredentialUsesTheAzShim(t *testing.T) {
	w := setup(t)
	cred, err := azidentity.NewAzureCLICredential(&azidentity.AzureCLICredentialOptions{TenantID: w.em.World().TenantID})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := cred.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{"https://graph.microsoft.com/.default"}})
	if err != nil {
		t.Fatalf("AzureCLICredential through the az shim: %v", err)
	}
	if left := time.Until(tok.ExpiresOn); left < 30*time.Minute || left > 2*time.Hour {
		t.Errorf("token expires in %v", left)
	}
	if st := graphGroups(t, w, tok.Token); st != 200 {
		t.Errorf("Graph /v1.0/groups with the shim's token: %d", st)
	}
	// A second credential without a tenant: the login's own (home) tenant.
	cred2, _ := azidentity.NewAzureCLICredential(nil)
	if _, err := cred2.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{"https://management.core.windows.net//.default"}}); err != nil {
		t.Errorf("ARM token without a tenant: %v", err)
	}
}

func TestDatabricksSDKAzureCLIAndDatabricksCLIAuth(t *testing.T) {
	w := setup(t)
	host := "https://" + w.em.World().Databricks.Host
	for _, authType := range []string{"azure-cli", "databricks-cli"} {
		t.Run(authType, func(t *testing.T) {
			ws, err := databricks.NewWorkspaceClient(&databricks.Config{Host: host, AuthType: authType,
				HTTPTransport: w.em.HTTPClient().Transport, DatabricksCliPath: ""})
			if err != nil {
				t.Fatalf("workspace client with %s auth: %v", authType, err)
			}
			me, err := ws.CurrentUser.Me(context.Background(), iam.MeRequest{})
			if err != nil {
				t.Fatalf("Me with %s auth (tokens from the shims): %v", authType, err)
			}
			if !strings.HasPrefix(me.UserName, "alice") {
				t.Errorf("Me = %q, want alice", me.UserName)
			}
		})
	}
}

// TestExecCredentialForKubectl: the ExecCredential decodes strictly into
// client-go's published v1 type, and kubectl's exec plugin code (client-go)
// runs `azrepl token -o exec-credential` and sends its token.
func TestExecCredentialForKubectl(t *testing.T) {
	setup(t)
	out := azrepl(t, "token", "-o", "exec-credential", "https://management.core.windows.net/")
	var cred clientauthv1.ExecCredential
	if strictErrs, err := json.UnmarshalStrict([]byte(out), &cred); err != nil || len(strictErrs) > 0 {
		t.Fatalf("ExecCredential does not decode strictly into client.authentication.k8s.io/v1: %v %v\n%s", err, strictErrs, out)
	}
	if cred.APIVersion != "client.authentication.k8s.io/v1" || cred.Kind != "ExecCredential" || cred.Status == nil ||
		cred.Status.Token == "" || cred.Status.ExpirationTimestamp == nil || time.Until(cred.Status.ExpirationTimestamp.Time) < 30*time.Minute {
		t.Fatalf("ExecCredential: %+v", cred)
	}

	var sent string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { sent = r.Header.Get("Authorization") }))
	defer srv.Close()
	a, err := kexec.GetAuthenticator(&clientcmdapi.ExecConfig{
		APIVersion: "client.authentication.k8s.io/v1", Command: bin,
		Args:            []string{"token", "-o", "exec-credential", "https://management.core.windows.net/"},
		InteractiveMode: clientcmdapi.NeverExecInteractiveMode,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tc := &transport.Config{}
	if err := a.UpdateTransportConfig(tc); err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Transport: tc.WrapTransport(http.DefaultTransport)}).Get(srv.URL)
	if err != nil {
		t.Fatalf("client-go's exec plugin: %v", err)
	}
	resp.Body.Close()
	if sent != "Bearer "+cred.Status.Token && !strings.HasPrefix(sent, "Bearer ey") {
		t.Errorf("kubectl's request carried %q", sent)
	}
}
