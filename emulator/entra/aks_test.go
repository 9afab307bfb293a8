package entra_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/entra"
	"github.com/azrepl/azrepl/emulator/internal/fixture"
)

// Kubernetes sign-in (kubelogin): the AKS client gets tokens for the AKS
// server app by device code and password, the Azure CLI and managed
// identities do too, and the AKS client gets nothing else (65002).
func TestAKSFirstPartyApps(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	scope := entra.AKSServer + "/.default"
	check := func(how, token, appid string) {
		t.Helper()
		c := claimsOf(t, em, token)
		if c["aud"] != entra.AKSServer || c["appid"] != appid {
			t.Fatalf("%s: aud %v appid %v", how, c["aud"], c["appid"])
		}
	}
	tok := deviceLogin(t, em, entra.AKSClient, scope+" offline_access")
	check("device code", tok["access_token"].(string), entra.AKSClient)
	if c := claimsOf(t, em, tok["access_token"].(string)); c["scp"] != "user.read" {
		t.Fatalf("scp %v", c["scp"])
	}
	if tok["foci"] != nil {
		t.Fatalf("the AKS client is no FOCI member: %v", tok["foci"])
	}
	w := em.World()
	alice := w.User("alice")
	c := em.HTTPClient()
	st, body := fixture.PostForm(t, c, fixture.LoginURL(w.TenantID, "token"), url.Values{"grant_type": {"password"},
		"client_id": {entra.AKSClient}, "username": {alice.Username}, "password": {alice.Password}, "scope": {scope}})
	if st != 200 {
		t.Fatalf("password: %d %v", st, body)
	}
	check("password", body["access_token"].(string), entra.AKSClient)
	st, body = fixture.PostForm(t, c, fixture.LoginURL(w.TenantID, "token"), url.Values{"grant_type": {"password"},
		"client_id": {fixture.AzureCLI}, "username": {alice.Username}, "password": {alice.Password}, "scope": {scope}})
	if st != 200 {
		t.Fatalf("Azure CLI: %d %v", st, body)
	}
	check("Azure CLI", body["access_token"].(string), fixture.AzureCLI)
	st, body = fixture.PostForm(t, c, fixture.LoginURL(w.TenantID, "token"), url.Values{"grant_type": {"password"},
		"client_id": {entra.AKSClient}, "username": {alice.Username}, "password": {alice.Password}, "scope": {"https://graph.microsoft.com/Mail.Read"}})
	if codes, _ := body["error_codes"].([]any); st != 400 || len(codes) == 0 || codes[0] != float64(65002) {
		t.Fatalf("AKS client for Mail.Read: %d %v", st, body)
	}
	// A managed identity's token for the AKS server (IMDS style).
	req, _ := http.NewRequest("GET", em.MSIURL()+"/metadata/identity/oauth2/token?api-version=2018-02-01&resource="+entra.AKSServer, nil)
	req.Header.Set("Metadata", "true")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	mi := fixture.DecodeJSON(t, resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("managed identity: %d %v", resp.StatusCode, mi)
	}
	if c := claimsOf(t, em, mi["access_token"].(string)); c["aud"] != entra.AKSServer {
		t.Fatalf("managed identity aud %v", c["aud"])
	}
}

// TestAKSAudienceForms: the AKS server app as a v1 resource (kubelogin's
// ADAL device code, its --legacy "spn:" form, az's --resource) and as a v2
// scope ("/.default"): a v1 token whose aud is the resource as requested,
// "spn:" kept (Azure/kubelogin#331, Azure/aks-engine#376), the GUID for the
// v2 scope.
func TestAKSAudienceForms(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	c := em.HTTPClient()
	w := em.World()
	alice := w.User("alice")
	v1 := "https://login.microsoftonline.com/" + w.TenantID + "/oauth2/token"
	for _, tc := range []struct {
		how, url string
		form     url.Values
		aud      string
	}{
		{"v1 resource", v1, url.Values{"resource": {entra.AKSServer}}, entra.AKSServer},
		{"v1 spn: resource", v1, url.Values{"resource": {"spn:" + entra.AKSServer}}, "spn:" + entra.AKSServer},
		{"v2 scope", fixture.LoginURL(w.TenantID, "token"), url.Values{"scope": {entra.AKSServer + "/.default"}}, entra.AKSServer},
	} {
		tc.form.Set("grant_type", "password")
		tc.form.Set("client_id", entra.AKSClient)
		tc.form.Set("username", alice.Username)
		tc.form.Set("password", alice.Password)
		st, body := fixture.PostForm(t, c, tc.url, tc.form)
		if st != 200 {
			t.Fatalf("%s: %d %v", tc.how, st, body)
		}
		claims := claimsOf(t, em, body["access_token"].(string))
		if claims["aud"] != tc.aud || claims["ver"] != "1.0" || claims["iss"] != "https://sts.windows.net/"+w.TenantID+"/" || claims["appid"] != entra.AKSClient {
			t.Errorf("%s: aud %v ver %v iss %v appid %v", tc.how, claims["aud"], claims["ver"], claims["iss"], claims["appid"])
		}
		if r, isV1 := body["resource"]; isV1 && r != tc.form.Get("resource") {
			t.Errorf("%s: resource %v", tc.how, r)
		}
	}
	// kubelogin's devicelogin: ADAL's v1 device code for the server app.
	st, dc := fixture.PostForm(t, c, "https://login.microsoftonline.com/"+w.TenantID+"/oauth2/devicecode",
		url.Values{"client_id": {entra.AKSClient}, "resource": {entra.AKSServer}})
	if st != 200 {
		t.Fatalf("v1 devicecode: %d %v", st, dc)
	}
	if err := em.ApproveDevice(dc["user_code"].(string), "alice"); err != nil {
		t.Fatal(err)
	}
	st, body := fixture.PostForm(t, c, v1, url.Values{"grant_type": {"device_code"}, "client_id": {entra.AKSClient},
		"resource": {entra.AKSServer}, "code": {dc["device_code"].(string)}})
	if st != 200 || claimsOf(t, em, body["access_token"].(string))["aud"] != entra.AKSServer || body["resource"] != entra.AKSServer {
		t.Fatalf("v1 device code: %d %v", st, body)
	}
}
