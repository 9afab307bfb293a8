package emulator

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	mi "github.com/AzureAD/microsoft-authentication-library-for-go/apps/managedidentity"
	"github.com/azrepl/azrepl/emulator/internal/fixture"
	"github.com/azrepl/azrepl/emulator/msi"
)

// msiGet sends one request to a managed identity path with the headers given.
func msiGet(t *testing.T, em *Emulator, path string, q url.Values, h map[string]string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, em.MSIURL()+path+"?"+q.Encode(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range h {
		req.Header.Set(k, v)
	}
	resp, err := em.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	return resp.StatusCode, fixture.DecodeJSON(t, resp.Body)
}

// The real endpoints' refusals, each one error field a client can show.
func TestMSIErrors(t *testing.T) {
	em := startEmulator(t, Config{})
	header := ""
	for _, kv := range em.ManagedIdentityEnv("appservice") {
		if v, ok := strings.CutPrefix(kv, "IDENTITY_HEADER="); ok {
			header = v
		}
	}
	arm := url.Values{"resource": {"https://management.azure.com/"}}
	with := func(k, v string) url.Values {
		q := url.Values{}
		for a, b := range arm {
			q[a] = b
		}
		q.Set(k, v)
		return q
	}
	for _, tc := range []struct {
		name   string
		path   string
		q      url.Values
		h      map[string]string
		status int
		want   string
	}{
		{"IMDS without Metadata", msi.IMDSPath, with("api-version", "2018-02-01"), nil, 400, "Required metadata header not specified"},
		{"IMDS wrong api-version", msi.IMDSPath, with("api-version", "2017-01-01"), map[string]string{"Metadata": "true"}, 400, "api-version is invalid"},
		{"IMDS unknown identity", msi.IMDSPath, func() url.Values { q := with("api-version", "2018-02-01"); q.Set("client_id", "nobody"); return q }(), map[string]string{"Metadata": "true"}, 400, "Identity not found"},
		{"App Service without header", msi.AppServicePath, with("api-version", "2019-08-01"), nil, 400, "X-IDENTITY-HEADER header is missing"},
		{"App Service wrong api-version", msi.AppServicePath, with("api-version", "2018-02-01"), map[string]string{"X-IDENTITY-HEADER": header}, 400, "is not supported: use 2019-08-01"},
		{"Arc challenge", msi.ArcPath, with("api-version", "2020-06-01"), map[string]string{"Metadata": "true"}, 401, "Use the key in the file"},
		{"Arc wrong key", msi.ArcPath, with("api-version", "2020-06-01"), map[string]string{"Metadata": "true", "Authorization": "Basic nope"}, 401, "The key is not valid"},
	} {
		status, body := msiGet(t, em, tc.path, tc.q, tc.h)
		text, _ := body["error_description"].(string)
		if m, ok := body["message"].(string); ok {
			text = m
		}
		if status != tc.status || !strings.Contains(text, tc.want) {
			t.Errorf("%s: HTTP %d %v, want %d with %q", tc.name, status, body, tc.status, tc.want)
		}
	}
}

// MSAL Go's managed identity client, which this project did not write,
// gets tokens from the App Service style (it reads IDENTITY_ENDPOINT and
// IDENTITY_HEADER from the process environment) and the Cloud Shell style.
func TestMSIWithMSALGo(t *testing.T) {
	em := startEmulator(t, Config{})
	for _, style := range []string{"appservice", "cloudshell"} {
		t.Run(style, func(t *testing.T) {
			for _, k := range []string{"IDENTITY_ENDPOINT", "IDENTITY_HEADER", "MSI_ENDPOINT", "MSI_SECRET", "IMDS_ENDPOINT", "IDENTITY_SERVER_THUMBPRINT"} {
				t.Setenv(k, "")
			}
			for _, kv := range em.ManagedIdentityEnv(style) {
				k, v, _ := strings.Cut(kv, "=")
				t.Setenv(k, v)
			}
			c, err := mi.New(mi.SystemAssigned(), mi.WithHTTPClient(em.HTTPClient()))
			if err != nil {
				t.Fatal(err)
			}
			r, err := c.AcquireToken(context.Background(), "https://graph.microsoft.com")
			if err != nil {
				t.Fatal(err)
			}
			claims := claimsOf(t, em, r.AccessToken)
			vm := em.World().ManagedIdentities[0]
			if claims["appid"] != vm.ClientID || claims["aud"] != "https://graph.microsoft.com" || r.ExpiresOn.IsZero() {
				t.Errorf("claims %v expires %v", claims, r.ExpiresOn)
			}
		})
	}
	if ci := em.World().ManagedIdentities[1]; ci.Type == "user" {
		for _, kv := range em.ManagedIdentityEnv("appservice") {
			k, v, _ := strings.Cut(kv, "=")
			t.Setenv(k, v)
		}
		t.Setenv("MSI_ENDPOINT", "")
		c, err := mi.New(mi.UserAssignedClientID(ci.ClientID), mi.WithHTTPClient(em.HTTPClient()))
		if err != nil {
			t.Fatal(err)
		}
		r, err := c.AcquireToken(context.Background(), "https://management.azure.com/")
		if err != nil {
			t.Fatal(err)
		}
		if claims := claimsOf(t, em, r.AccessToken); claims["appid"] != ci.ClientID || claims["xms_mirid"] != ci.ResourceID {
			t.Errorf("user-assigned claims %v", claims)
		}
	}
}
