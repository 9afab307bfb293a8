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
