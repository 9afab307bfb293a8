package emulator

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/azrepl/azrepl/emulator/internal/fixture"
)

func getWithToken(t *testing.T, em *Emulator, u, token string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := em.HTTPClient().Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	return resp.StatusCode, fixture.DecodeJSON(t, resp.Body)
}

// TestSeededStory reproduces the project's story on the seeded world through
// the proxy: the 403 of an app without Graph permission, the 401 of an ARM
// token sent to Graph, and the refresh-token exchange that fixes it.
func TestSeededStory(t *testing.T) {
	em := startEmulator(t, Config{})
	w := em.World()
	groups := "https://graph.microsoft.com/v1.0/groups"

	story := w.Apps[0]
	_, cc := fixture.PostForm(t, em.HTTPClient(), fixture.LoginURL(w.TenantID, "token"), url.Values{"grant_type": {"client_credentials"},
		"client_id": {story.ClientID}, "client_secret": {story.ClientSecret}, "scope": {"https://graph.microsoft.com/.default"}})
	st, body := getWithToken(t, em, groups, cc["access_token"].(string))
	if code, msg := fixture.ErrorCodeMessage(body); st != 403 || code != "Authorization_RequestDenied" || msg != "Insufficient privileges to complete the operation." {
		t.Errorf("story-app on Graph: %d %s %q", st, code, msg)
	}

	arm := deviceLogin(t, em, fixture.AzureCLI, "https://management.core.windows.net//.default offline_access openid profile")
	st, body = getWithToken(t, em, groups, arm["access_token"].(string))
	if code, msg := fixture.ErrorCodeMessage(body); st != 401 || code != "InvalidAuthenticationToken" || msg != "Access token validation failure. Invalid audience." {
		t.Errorf("ARM token on Graph: %d %s %q", st, code, msg)
	}
	if st, body := getWithToken(t, em, "https://management.azure.com/tenants?api-version=2022-12-01", arm["access_token"].(string)); st != 200 {
		t.Errorf("ARM /tenants: %d %v", st, body)
	}

	_, gt := fixture.PostForm(t, em.HTTPClient(), fixture.LoginURL(w.TenantID, "token"), url.Values{"grant_type": {"refresh_token"},
		"client_id": {fixture.AzureCLI}, "refresh_token": {arm["refresh_token"].(string)}, "scope": {"https://graph.microsoft.com/.default offline_access openid profile"}})
	st, body = getWithToken(t, em, groups, gt["access_token"].(string))
	if v, _ := body["value"].([]any); st != 200 || len(v) == 0 || body["@odata.nextLink"] == nil {
		t.Errorf("Graph token on /groups: %d, %d groups, nextLink %v", st, len(v), body["@odata.nextLink"])
	}

	_, dbt := fixture.PostForm(t, em.HTTPClient(), fixture.LoginURL(w.TenantID, "token"), url.Values{"grant_type": {"refresh_token"},
		"client_id": {fixture.AzureCLI}, "refresh_token": {arm["refresh_token"].(string)}, "scope": {"2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default"}})
	st, body = getWithToken(t, em, "https://"+w.Databricks.Host+"/api/2.0/preview/scim/v2/Me", dbt["access_token"].(string))
	if st != 200 || body["userName"] != w.User("alice").Username {
		t.Errorf("Databricks SCIM Me with an Entra token: %d %v", st, body)
	}
}
