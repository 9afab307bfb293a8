package auth

import (
	"net/http"
	"testing"
)

func TestClouds(t *testing.T) {
	for name, host := range map[string]string{"": "login.microsoftonline.com", "usgov": "login.microsoftonline.us", "AzureChinaCloud": "login.partner.microsoftonline.cn"} {
		c, err := CloudByName(name)
		if err != nil || c.host() != host {
			t.Fatalf("%q: %v %q", name, err, c.host())
		}
	}
	if _, err := CloudByName("mars"); err == nil {
		t.Fatal("unknown cloud accepted")
	}
	c, _ := CloudPublic.WithAuthorityHost("login.microsoftonline.us/")
	if c.TokenURL("contoso.onmicrosoft.com") != "https://login.microsoftonline.us/contoso.onmicrosoft.com/oauth2/v2.0/token" {
		t.Fatal(c.TokenURL("contoso.onmicrosoft.com"))
	}
	if _, err := CloudPublic.WithAuthorityHost("http://insecure.example"); err == nil {
		t.Fatal("http authority accepted")
	}
	s, err := NewSession(Config{HTTP: http.DefaultClient, Home: t.TempDir(),
		Getenv: func(k string) string {
			return map[string]string{"AZURE_AUTHORITY_HOST": "https://login.chinacloudapi.cn/"}[k]
		}})
	if err != nil || s.Cloud().AuthorityHost != "https://login.chinacloudapi.cn" || s.Cloud().DeviceCodeURL("") != "https://login.chinacloudapi.cn/organizations/oauth2/v2.0/devicecode" {
		t.Fatalf("%v %+v", err, s.Cloud())
	}
}
