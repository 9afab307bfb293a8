package auth

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/emulatortest"
	"github.com/databricks/databricks-sdk-go/config"
)

// What azrepl sends for Databricks workload identity federation (file-oidc)
// and azure-client-secret, compared with what the Databricks SDK for Go
// (which we did not write) sends to the same emulator: the same endpoints,
// grants and parameters, and the same headers on a workspace request.
func TestDatabricksWireMatchesSDK(t *testing.T) {
	e := startEmulator(t, emulator.Config{})
	w := e.World()
	sp, story := w.Databricks.ServicePrincipal, emulatortest.App(t, e, "story-app")
	host := "https://" + w.Databricks.Host
	oidc, err := e.FederatedToken(w.Databricks.Federation[0].Subject, host+"/oidc/v1/token", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "oidc-token")
	if err := os.WriteFile(file, []byte(oidc), 0o600); err != nil {
		t.Fatal(err)
	}
	resID := "/subscriptions/" + w.Subscriptions[0].ID + "/resourceGroups/analytics/providers/Microsoft.Databricks/workspaces/story"
	// The SDK's view: the headers it sets on a workspace request, and its token requests.
	sdkSends := func(cfg *config.Config) (http.Header, []tapped) {
		t.Helper()
		tap := &tokenTap{next: e.HTTPClient().Transport}
		cfg.HTTPTransport = tap
		cfg.ConfigFile = filepath.Join(t.TempDir(), "none")
		req, _ := http.NewRequest(http.MethodGet, host+"/api/2.0/preview/scim/v2/Me", nil)
		if err := cfg.Authenticate(req); err != nil {
			t.Fatalf("the SDK (%s): %v", cfg.AuthType, err)
		}
		return req.Header, tap.seen
	}
	keys := func(x tapped) []string {
		var k []string
		for name := range x.form {
			k = append(k, name)
		}
		slices.Sort(k)
		return k
	}

	t.Run("file-oidc", func(t *testing.T) {
		sdkHeader, sdkSeen := sdkSends(&config.Config{Host: host, AuthType: "file-oidc", ClientID: sp.ClientID, OIDCTokenFilepath: file})
		s, tap := tappedSession(t, e, map[string]string{"DATABRICKS_HOST": host, "DATABRICKS_CLIENT_ID": sp.ClientID, "DATABRICKS_OIDC_TOKEN_FILEPATH": file})
		tok, _, err := s.DatabricksToken(context.Background(), DatabricksOptions{Flow: "file-oidc"})
		if err != nil {
			t.Fatal(err)
		}
		if len(sdkSeen) != 1 || len(tap.seen) != 1 {
			t.Fatalf("token requests: SDK %d, azrepl %d", len(sdkSeen), len(tap.seen))
		}
		a, b := sdkSeen[0], tap.seen[0]
		if a.url != b.url || strings.Join(keys(a), " ") != strings.Join(keys(b), " ") || a.auth != b.auth {
			t.Errorf("SDK %s %v (auth %q)\nazrepl %s %v (auth %q)", a.url, keys(a), a.auth, b.url, keys(b), b.auth)
		}
		for _, k := range keys(a) {
			if a.form.Get(k) != b.form.Get(k) {
				t.Errorf("%s: SDK %.60q, azrepl %.60q", k, a.form.Get(k), b.form.Get(k))
			}
		}
		if !strings.HasPrefix(sdkHeader.Get("Authorization"), "Bearer ") || tok.Headers != nil {
			t.Errorf("headers: SDK %v, azrepl extra %v", sdkHeader, tok.Headers)
		}
	})

	t.Run("azure-client-secret", func(t *testing.T) {
		sdkHeader, sdkSeen := sdkSends(&config.Config{Host: host, AuthType: "azure-client-secret", AzureClientID: story.ClientID,
			AzureClientSecret: story.ClientSecret, AzureTenantID: w.TenantID, AzureResourceID: resID})
		s, tap := tappedSession(t, e, map[string]string{"ARM_CLIENT_ID": story.ClientID, "ARM_CLIENT_SECRET": story.ClientSecret,
			"ARM_TENANT_ID": w.TenantID, "DATABRICKS_AZURE_RESOURCE_ID": resID})
		tok, _, err := s.DatabricksToken(context.Background(), DatabricksOptions{Host: host, Flow: "azure-client-secret"})
		if err != nil {
			t.Fatal(err)
		}
		// x/oauth2's auto-detection sends the secret in HTTP Basic
		// (client_secret_basic), which Entra and the emulator accept; azrepl
		// sends it in the form (client_secret_post) as MSAL does. The requests
		// that got a token are compared apart from that.
		describe := func(x tapped) string {
			method := "client_secret_post"
			if x.auth == "Basic" {
				method = "client_secret_basic"
			} else if x.form.Get("client_secret") == "" {
				method = "no client secret"
			}
			var rest []string
			for _, k := range keys(x) {
				if k != "client_id" && k != "client_secret" {
					rest = append(rest, k)
				}
			}
			return x.url + " " + x.form.Get("grant_type") + " " + x.form.Get("resource") + " " + strings.Join(rest, ",") + " (" + method + ")"
		}
		var sdkRes, ourRes []string
		for _, x := range sdkSeen {
			if x.answer["access_token"] != nil {
				sdkRes = append(sdkRes, describe(x))
			}
		}
		for _, x := range tap.seen {
			ourRes = append(ourRes, describe(x))
		}
		strip := func(l []string) string {
			out := make([]string, len(l))
			for i, x := range l {
				out[i], _, _ = strings.Cut(x, " (")
			}
			return strings.Join(out, "\n")
		}
		if len(sdkRes) == 0 || strip(sdkRes) != strip(ourRes) || strings.Contains(strings.Join(append(sdkRes, ourRes...), ""), "no client secret") {
			t.Errorf("token requests differ:\nSDK\n%s\nazrepl\n%s", strings.Join(sdkRes, "\n"), strings.Join(ourRes, "\n"))
		}
		for _, x := range sdkSeen {
			t.Logf("SDK client authentication: %q, form keys %v", x.auth, keys(x))
		}
		for _, x := range tap.seen {
			t.Logf("azrepl client authentication: %q, form keys %v", x.auth, keys(x))
		}
		for _, h := range []string{"X-Databricks-Azure-Workspace-Resource-Id", "X-Databricks-Azure-SP-Management-Token"} {
			if (sdkHeader.Get(h) == "") != (tok.Headers[h] == "") {
				t.Errorf("%s: SDK %v, azrepl %v", h, sdkHeader.Get(h) != "", tok.Headers[h] != "")
			}
		}
		if tok.Headers["X-Databricks-Azure-Workspace-Resource-Id"] != sdkHeader.Get("X-Databricks-Azure-Workspace-Resource-Id") {
			t.Error("the workspace resource id headers differ")
		}
	})
}
