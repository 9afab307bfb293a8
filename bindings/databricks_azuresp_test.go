package bindings_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A ~/.databrickscfg profile with azure_client_id / azure_client_secret /
// azure_tenant_id / azure_workspace_resource_id (the Databricks SDK's
// azure-client-secret): story-app is not a workspace member but manages the
// workspace resource, so the emulator lets it in only with its management
// token in X-Databricks-Azure-SP-Management-Token — the SCIM call below
// succeeds only if azrepl sends it.
func TestDatabricksAzureClientSecretProfile(t *testing.T) {
	cfgPath := filepath.Join(t.TempDir(), "databrickscfg")
	// The minimal wiring: no DATABRICKS_CLIENT_ID/SECRET (--emulator sets
	// them, and M2M would come first), no masking but the bindings' own.
	h := newHarness(t)
	h.env["DATABRICKS_CONFIG_FILE"] = cfgPath
	delete(h.env, "DATABRICKS_HOST") // the profile names the host
	story := h.app("story-app")
	resID := "/subscriptions/" + h.world.Subscriptions[0].ID + "/resourceGroups/analytics/providers/Microsoft.Databricks/workspaces/story"
	profile := fmt.Sprintf("[azsp]\nhost = https://%s\nazure_client_id = %s\nazure_client_secret = %s\nazure_tenant_id = %s\nazure_workspace_resource_id = %s\n"+
		"[notenant]\nhost = https://%s\nauth_type = azure-client-secret\nazure_client_id = %s\nazure_client_secret = %s\n",
		h.world.Databricks.Host, story.ClientID, story.ClientSecret, h.world.TenantID, resID,
		h.world.Databricks.Host, story.ClientID, story.ClientSecret)
	if err := os.WriteFile(cfgPath, []byte(profile), 0o600); err != nil {
		t.Fatal(err)
	}
	got := h.value(`(function(){ const d = databricks({profile: "azsp"}); const me = d.get("/api/2.0/preview/scim/v2/Me");
		const t = d.token();
		return {profile: d.profile, me: me.get("applicationId") || me.get("userName"), aud: t.audience, appid: t.claims.appid, resource: t.resource} })()`)
	if got["profile"] != "azsp" || got["me"] != story.ClientID || got["aud"] != "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d" ||
		got["appid"] != story.ClientID || got["resource"] != "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d" {
		t.Errorf("azure-client-secret profile: %v", got)
	}
	// The wire: two v1 client-credentials requests (Azure Databricks, Azure
	// management), then the workspace call with both headers.
	var resources []string
	var sawAPI bool
	for _, x := range h.http.Trace() {
		switch {
		case strings.HasSuffix(x.URL, "/"+h.world.TenantID+"/oauth2/token"):
			for _, f := range x.ReqForm {
				if f.Name == "resource" {
					resources = append(resources, f.Value)
				}
			}
		case strings.Contains(x.URL, "/scim/v2/Me"):
			sawAPI = true
			if v := x.ReqHeader.Get("X-Databricks-Azure-Workspace-Resource-Id"); v != resID {
				t.Errorf("workspace resource id header %q", v)
			}
			if v := x.ReqHeader.Get("X-Databricks-Azure-SP-Management-Token"); v == "" || strings.HasPrefix(v, "eyJ") {
				t.Errorf("management token header missing or not redacted in the trace: %.20q", v)
			}
		}
	}
	if strings.Join(resources, " ") != "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d https://management.core.windows.net/" || !sawAPI {
		t.Errorf("v1 resources asked %v, workspace call seen %v", resources, sawAPI)
	}
	assertTraceHasNoSecrets(t, h)
	e := h.thrown(`databricks({profile: "notenant"})`)
	if msg, _ := e["message"].(string); !strings.Contains(msg, "databricks azure-client-secret: no azure_tenant_id: add it to the ~/.databrickscfg profile or set ARM_TENANT_ID") ||
		strings.Contains(msg, story.ClientSecret) || strings.Contains(msg, "\n") {
		t.Errorf("no tenant: %v", e)
	}
	// A wrong secret (of another app: story-app's tokens are cached): Entra's line, without the secret.
	bad := "Qx9~not-the-secret-0123456789abcdefghij"
	reader := h.app("reader-app")
	profile += fmt.Sprintf("[badsecret]\nhost = https://%s\nazure_client_id = %s\nazure_client_secret = %s\nazure_tenant_id = %s\n",
		h.world.Databricks.Host, reader.ClientID, bad, h.world.TenantID)
	if err := os.WriteFile(cfgPath, []byte(profile), 0o600); err != nil {
		t.Fatal(err)
	}
	e = h.thrown(`databricks({profile: "badsecret"})`)
	if msg, _ := e["message"].(string); !strings.Contains(msg, "AADSTS7000215") || strings.Contains(msg, bad) || e["code"] != "INVALID_CLIENT" {
		t.Errorf("wrong secret: %v", e)
	}
	assertTraceHasNoSecrets(t, h, bad)
}
