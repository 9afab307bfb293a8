package explain

import (
	"net/http"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/httpx"
)

func tokenExchange(url string, basic string, fields ...string) httpx.Exchange {
	e := httpx.Exchange{Index: 1, Method: "POST", URL: url, Status: 200, BasicUser: basic, ReqHeader: http.Header{}}
	for i := 0; i+1 < len(fields); i += 2 {
		secret := fields[i+1] == httpx.Mask
		e.ReqForm = append(e.ReqForm, httpx.FormField{Name: fields[i], Value: fields[i+1], Secret: secret})
	}
	return e
}

const v2 = "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"

func TestGrants(t *testing.T) {
	cert := tokenExchange(v2, "", "grant_type", "client_credentials", "client_id", "app1", "client_assertion", httpx.Mask, "scope", "https://graph.microsoft.com/.default")
	cert.Tokens = []httpx.TokenClaims{{Where: "request client_assertion", Claims: map[string]any{"iss": "app1", "sub": "app1"}}}
	fed := tokenExchange(v2, "", "grant_type", "client_credentials", "client_id", "app1", "client_assertion", httpx.Mask, "scope", "https://graph.microsoft.com/.default")
	fed.Tokens = []httpx.TokenClaims{{Where: "request client_assertion", Claims: map[string]any{"iss": "https://token.actions.githubusercontent.com"}}}
	imds := httpx.Exchange{Method: "GET", URL: "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/", Status: 200}
	appService := httpx.Exchange{Method: "GET", URL: "http://127.0.0.1:41000/msi/token?api-version=2019-08-01&resource=https://vault.azure.net", Status: 200,
		ReqHeader: http.Header{"X-Identity-Header": {httpx.Mask}}}
	for _, tc := range []struct {
		e    httpx.Exchange
		want string
	}{
		{tokenExchange(v2, "", "grant_type", "urn:ietf:params:oauth:grant-type:device_code", "client_id", "04b07795-8ddb-461a-bbee-02f9e1bf7b46", "device_code", httpx.Mask),
			"device code, client Microsoft Azure CLI (04b07795…), tenant contoso.onmicrosoft.com"},
		{tokenExchange(v2, "", "grant_type", "authorization_code", "client_id", "app1", "code", httpx.Mask, "code_verifier", httpx.Mask), "authorization code + PKCE, client app1"},
		{tokenExchange(v2, "", "grant_type", "refresh_token", "client_id", "1950a258-227b-4e31-a9cf-717495945fc2", "refresh_token", httpx.Mask, "scope", "https://graph.microsoft.com/.default offline_access"),
			"refresh token redeemed for Graph (FOCI family), client Microsoft Azure PowerShell (1950a258…)"},
		{tokenExchange(v2, "", "grant_type", "client_credentials", "client_id", "app1", "client_secret", httpx.Mask), "client credentials (secret), client app1"},
		{cert, "client credentials (certificate assertion)"},
		{fed, "client credentials (federated assertion from https://token.actions.githubusercontent.com)"},
		{tokenExchange(v2, "", "grant_type", "password", "client_id", "app1", "username", "alice", "password", httpx.Mask), "ROPC (username + password)"},
		{tokenExchange(v2, "", "grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer", "requested_token_use", "on_behalf_of", "assertion", httpx.Mask, "client_id", "api"), "on-behalf-of, client api"},
		{tokenExchange("https://login.microsoftonline.com/t1/oauth2/token", "", "grant_type", "client_credentials", "client_id", "app1", "client_secret", httpx.Mask, "resource", "https://management.core.windows.net/"),
			"client credentials (secret), client app1, tenant t1, resource ARM"},
		{tokenExchange("https://adb-1.2.azuredatabricks.net/oidc/v1/token", "sp1", "grant_type", "client_credentials", "scope", "all-apis"), "Databricks M2M (client credentials, secret in Basic auth), client sp1, scope all-apis"},
		{tokenExchange("https://adb-1.2.azuredatabricks.net/oidc/v1/token", "", "grant_type", "authorization_code", "client_id", "databricks-cli", "code", httpx.Mask, "code_verifier", httpx.Mask),
			"Databricks U2M (authorization code + PKCE), client Databricks CLI"},
		{tokenExchange("https://accounts.azuredatabricks.net/oidc/accounts/a1/v1/token", "", "grant_type", "urn:ietf:params:oauth:grant-type:token-exchange", "subject_token", httpx.Mask),
			"Databricks OIDC federation (token exchange)"},
		{imds, "managed identity (IMDS), resource ARM"},
		{appService, "managed identity (App Service), resource Key Vault"},
		{httpx.Exchange{Method: "GET", URL: "https://adb-1.2.azuredatabricks.net/api/2.0/clusters/list", Status: 200, ReqHeader: http.Header{"Authorization": {"Bearer " + httpx.Mask}}},
			"GET /api/2.0/clusters/list, bearer token that is not a JWT (a Databricks PAT or an opaque token)"},
		{httpx.Exchange{Method: "GET", URL: "https://login.microsoftonline.com/common/UserRealm/alice@contoso.com?api-version=1.0", Status: 200}, "discovery: UserRealm of common"},
		{httpx.Exchange{Method: "GET", URL: "https://graph.microsoft.com/v1.0/me", Status: 401, RespBody: `{"error":{"code":"InvalidAuthenticationToken"}}`,
			RespHeader: http.Header{"Www-Authenticate": {`Bearer realm="", error="insufficient_claims", claims="eyJ..."`}}}, "claims challenge (insufficient_claims)"},
	} {
		if got := Line("p", Explain(tc.e)); !strings.Contains(got, tc.want) {
			t.Errorf("%s\n  is explained as %s\n  want %s", tc.e.URL, got, tc.want)
		}
	}
}
