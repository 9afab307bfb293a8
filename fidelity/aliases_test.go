package fidelity

import (
	"os"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// azidentity with an Entra alias as its authority host, as code that takes
// the authority from ARM's challenge (https://login.windows.net/<tid>) or
// from an older configuration does: MSAL's instance discovery, the tenant's
// OpenID configuration and the token request all go to that host.
func TestAliasAuthorityHosts(t *testing.T) {
	for _, host := range []string{"https://login.windows.net/", "https://login.microsoft.com/", "https://sts.windows.net/"} {
		t.Run(host, func(t *testing.T) {
			useEnvFile(t, "reader-app.env")
			opts := &azidentity.ClientSecretCredentialOptions{ClientOptions: azcore.ClientOptions{Cloud: cloud.Configuration{ActiveDirectoryAuthorityHost: host}}}
			cred, err := azidentity.NewClientSecretCredential(os.Getenv("AZURE_TENANT_ID"), os.Getenv("AZURE_CLIENT_ID"), os.Getenv("AZURE_CLIENT_SECRET"), opts)
			if err != nil {
				t.Fatal(err)
			}
			listGroups(t, cred)
			if !logged(t, strings.TrimSuffix(strings.TrimPrefix(host, "https://"), "/"), "/oauth2/v2.0/token", "") {
				t.Fatalf("requests.log shows no token request at %s", host)
			}
		})
	}
}
