package entra_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/internal/fixture"
)

// TestAliasHosts: login.windows.net, login.microsoft.com and sts.windows.net
// answer through the proxy as login.microsoftonline.com does; the tokens'
// issuers stay Entra's (v1 sts.windows.net, v2 login.microsoftonline.com),
// while endpoints and error_uri name the host asked.
func TestAliasHosts(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	c := em.HTTPClient()
	w := em.World()
	reader := w.Apps[1]
	alice := w.User("alice")
	for _, host := range []string{"login.windows.net", "login.microsoft.com", "sts.windows.net", "LOGIN.Windows.net"} {
		base := "https://" + host + "/" + w.TenantID
		st, tok := fixture.PostForm(t, c, base+"/oauth2/v2.0/token", url.Values{"grant_type": {"client_credentials"},
			"client_id": {reader.ClientID}, "client_secret": {reader.ClientSecret}, "scope": {"https://graph.microsoft.com/.default"}})
		if st != 200 {
			t.Fatalf("%s: client credentials: %d %v", host, st, tok)
		}
		if iss := claimsOf(t, em, tok["access_token"].(string))["iss"]; iss != "https://sts.windows.net/"+w.TenantID+"/" {
			t.Errorf("%s: access token iss %v", host, iss)
		}
		st, tok = fixture.PostForm(t, c, base+"/oauth2/v2.0/token", url.Values{"grant_type": {"password"}, "client_id": {fixture.AzureCLI},
			"username": {alice.Username}, "password": {alice.Password}, "scope": {"https://management.core.windows.net//.default openid profile"}})
		if st != 200 {
			t.Fatalf("%s: password: %d %v", host, st, tok)
		}
		if iss := claimsOf(t, em, tok["id_token"].(string))["iss"]; iss != "https://login.microsoftonline.com/"+w.TenantID+"/v2.0" {
			t.Errorf("%s: id_token iss %v", host, iss)
		}
		st, doc := fixture.GetJSON(t, c, base+"/v2.0/.well-known/openid-configuration")
		if st != 200 || doc["issuer"] != "https://login.microsoftonline.com/"+w.TenantID+"/v2.0" ||
			doc["token_endpoint"] != "https://"+host+"/"+w.TenantID+"/oauth2/v2.0/token" {
			t.Errorf("%s: discovery: %d issuer %v token_endpoint %v", host, st, doc["issuer"], doc["token_endpoint"])
		}
		st, body := fixture.PostForm(t, c, base+"/oauth2/v2.0/token", url.Values{"grant_type": {"client_credentials"},
			"client_id": {reader.ClientID}, "client_secret": {"wrong"}, "scope": {"https://graph.microsoft.com/.default"}})
		fixture.WantEntraError(t, st, body, 401, "invalid_client", 7000215)
		if body["error_uri"] != "https://"+strings.ToLower(host)+"/error?code=7000215" {
			t.Errorf("%s: error_uri %v", host, body["error_uri"])
		}
	}
	// Hosts that only look alike are still refused at the proxy.
	for _, host := range []string{"login.windows.net.example", "evil-login.windows.net"} {
		if _, err := c.Get("https://" + host + "/common/v2.0/.well-known/openid-configuration"); err == nil {
			t.Errorf("%s answered", host)
		}
	}
}

// TestInstanceDiscoveryClouds: the five clouds as Entra lists them, public
// first with preferred_cache login.windows.net, cached for a day, for any
// host of theirs; an unknown host is invalid_instance.
func TestInstanceDiscoveryClouds(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	c := em.HTTPClient()
	for _, asked := range []string{"login.microsoftonline.com", "login.windows.net", "login.microsoftonline.us", "login.chinacloudapi.cn"} {
		resp, err := c.Get("https://login.microsoftonline.com/common/discovery/instance?api-version=1.1&authorization_endpoint=" +
			url.QueryEscape("https://"+asked+"/organizations/oauth2/v2.0/authorize"))
		if err != nil {
			t.Fatal(err)
		}
		body := fixture.DecodeJSON(t, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "max-age=86400, private" {
			t.Fatalf("%s: %d %q %v", asked, resp.StatusCode, resp.Header.Get("Cache-Control"), body)
		}
		md, _ := body["metadata"].([]any)
		if len(md) != 5 {
			t.Fatalf("%s: %d metadata blocks", asked, len(md))
		}
		public := md[0].(map[string]any)
		if public["preferred_network"] != "login.microsoftonline.com" || public["preferred_cache"] != "login.windows.net" ||
			len(public["aliases"].([]any)) != 4 {
			t.Errorf("%s: public cloud block %v", asked, public)
		}
		var networks []string
		for _, b := range md {
			networks = append(networks, b.(map[string]any)["preferred_network"].(string))
		}
		if got := strings.Join(networks, " "); got != "login.microsoftonline.com login.partner.microsoftonline.cn login.microsoftonline.de login.microsoftonline.us login-us.microsoftonline.com" {
			t.Errorf("%s: clouds %s", asked, got)
		}
		if body["tenant_discovery_endpoint"] != "https://"+asked+"/organizations/v2.0/.well-known/openid-configuration" || body["api-version"] != "1.1" {
			t.Errorf("%s: %v", asked, body)
		}
	}
	st, body := fixture.GetJSON(t, c, "https://login.windows.net/common/discovery/instance?api-version=1.1&authorization_endpoint=https://login.example.org/common/oauth2/v2.0/authorize")
	if st != 400 || body["error"] != "invalid_instance" {
		t.Fatalf("unknown instance: %d %v", st, body)
	}
}
