package cmd

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/azrepl/azrepl/auth"
	"github.com/azrepl/azrepl/internal/version"
)

// azResourceTypes are az get-access-token's --resource-type values (the
// public cloud's resources).
var azResourceTypes = map[string]string{
	"arm":        "https://management.core.windows.net/",
	"ms-graph":   "https://graph.microsoft.com/",
	"aad-graph":  "https://graph.windows.net/",
	"batch":      "https://batch.core.windows.net/",
	"data-lake":  "https://datalake.azure.net/",
	"media":      "https://rest.media.azure.net",
	"oss-rdbms":  "https://ossrdbms-aad.database.windows.net",
	"synapse":    "https://dev.azuresynapse.net",
	"attestaion": "https://attest.azure.net",
}

// azAnswers tells whether the az shim answers a command line itself.
func azAnswers(args []string) bool {
	switch strings.Join(leadingWords(args), " ") {
	case "account get-access-token", "account show", "version":
		return true
	case "":
		return len(args) > 0 && args[0] == "--version"
	}
	return false
}

// azCLIVersion is the Azure CLI version the shim says it is compatible
// with (Terraform's provider checks az version against a minimum).
const azCLIVersion = "2.67.0"

// azVersion answers `az version` (JSON, as az prints it, with azrepl named)
// and `az --version` (az's table).
func azVersion(a azArgs, stdout, stderr io.Writer, table bool) int {
	if table {
		fmt.Fprintf(stdout, "azure-cli                         %s (azrepl %s: answers token commands; others go to the next az on PATH)\n", azCLIVersion, version.String())
		return 0
	}
	return azPrint([]azField{
		{"azrepl", version.String()}, {"azure-cli", azCLIVersion}, {"azure-cli-core", azCLIVersion},
		{"azure-cli-telemetry", "1.1.0"}, {"extensions", map[string]string{}},
	}, a, stdout, stderr)
}

// azMain is azrepl invoked as az.
func azMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if !azAnswers(args) {
		if real := realTool("az"); real != "" {
			return passThrough(ctx, real, args, stdout, stderr)
		}
	}
	a, err := parseAzArgs(args)
	if err != nil {
		fmt.Fprintf(stderr, "ERROR: %v (azrepl's az shim)\n", err)
		return 2
	}
	cmd := strings.Join(a.words, " ")
	switch cmd {
	case "account get-access-token":
		return azGetAccessToken(ctx, a, stdout, stderr)
	case "account show":
		return azAccountShow(ctx, a, stdout, stderr)
	case "version":
		return azVersion(a, stdout, stderr, false)
	case "":
		if len(a.flags["--version"]) > 0 {
			return azVersion(a, stdout, stderr, true)
		}
	}
	fmt.Fprintf(stderr, "ERROR: this az is azrepl (%s): it only serves tokens (az account get-access-token, az account show) and found no other az on PATH for %q\n",
		version.String(), strings.TrimSpace("az "+strings.Join(args, " ")))
	return 2
}

// azScope is the scope az would ask for: --scope wins, then --resource,
// then --resource-type, else ARM. A resource gets "/.default" as az's
// resource_to_scopes appends it.
func azScope(a azArgs) (string, error) {
	// A flag given with nothing after "=" is a mistake (a variable that was
	// not set in a script): az refuses it, it does not mean "the default".
	for _, name := range []string{"--scope", "--resource", "--resource-type"} {
		for _, v := range a.flags[name] {
			if strings.TrimSpace(v) == "" {
				return "", fmt.Errorf("argument %s: expected a value, got an empty one", name)
			}
		}
	}
	if s := a.flags["--scope"]; len(s) > 0 {
		if a.get("--resource") != "" || a.get("--resource-type") != "" {
			return "", fmt.Errorf("usage error: --scope cannot be used with --resource or --resource-type")
		}
		return strings.Join(s, " "), nil
	}
	if r := a.get("--resource"); r != "" {
		return auth.ScopeForResource(r), nil
	}
	if rt := a.get("--resource-type"); rt != "" {
		r, ok := azResourceTypes[rt]
		if !ok {
			return "", fmt.Errorf("argument --resource-type: invalid choice: %q", rt)
		}
		return auth.ScopeForResource(r), nil
	}
	return auth.DefaultScope, nil
}

func azGetAccessToken(ctx context.Context, a azArgs, stdout, stderr io.Writer) int {
	scope, err := azScope(a)
	if err != nil {
		fmt.Fprintln(stderr, "ERROR:", err)
		return 2
	}
	tenant, sub := a.get("--tenant"), a.get("--subscription")
	if tenant != "" && sub != "" {
		fmt.Fprintln(stderr, "ERROR: usage error: --tenant/-t can't be used with --subscription/-s")
		return 2
	}
	ts, err := openTokenSession(stderr)
	if err != nil {
		return ts.fail(stderr, "ERROR", err)
	}
	t, err := ts.session.Token(ctx, scope, auth.TokenOptions{Tenant: tenant})
	if err != nil {
		return ts.fail(stderr, "ERROR", err)
	}
	if sub == "" {
		sub = os.Getenv("AZURE_SUBSCRIPTION_ID")
	}
	if sub == "" && tenant == "" {
		sub = ts.defaultSubscription(ctx, t.Account, tokenTenantID(t)).ID
	}
	v := azTokenJSON(t, sub, tenant != "")
	fields := []azField{{"accessToken", v.AccessToken}, {"expiresOn", v.ExpiresOn}, {"expires_on", v.ExpiresOnInt}}
	if v.Subscription != "" {
		fields = append(fields, azField{"subscription", v.Subscription})
	}
	fields = append(fields, azField{"tenant", v.Tenant}, azField{"tokenType", v.TokenType})
	return azPrint(fields, a, stdout, stderr)
}

// azAccountShow answers `az account show` for the current login: the
// Databricks SDKs' azure-cli auth runs it to tell users from managed
// identities before asking for a token.
func azAccountShow(ctx context.Context, a azArgs, stdout, stderr io.Writer) int {
	ts, accts, err := openAccounts(stderr)
	if err != nil {
		return ts.fail(stderr, "ERROR", err)
	}
	if len(accts) == 0 {
		fmt.Fprintln(stderr, "ERROR: Please run 'az login' to setup account. (this az is azrepl: run azrepl login)")
		return 1
	}
	acct := accts[0]
	tenant := acct.TenantID
	if tenant == "" {
		tenant = acct.Tenant
	}
	sub := subscription{ID: cmp.Or(a.get("--subscription"), os.Getenv("AZURE_SUBSCRIPTION_ID"))}
	if sub.ID == "" {
		sub = ts.defaultSubscription(ctx, acct, tenant)
	}
	// Without a subscription az shows the tenant as a tenant-level account.
	id, name, state := cmp.Or(sub.ID, tenant), cmp.Or(sub.Name, sub.ID, "N/A(tenant level account)"), cmp.Or(sub.State, "Enabled")
	userName, userType := acct.Username, "user"
	if acct.Flow == auth.FlowSecret || acct.Flow == auth.FlowCertificate {
		userName, userType = acct.ClientID, "servicePrincipal"
	}
	return azPrint([]azField{
		{"environmentName", "AzureCloud"}, {"homeTenantId", tenant}, {"id", id}, {"isDefault", true},
		{"managedByTenants", []any{}}, {"name", name}, {"state", state}, {"tenantId", tenant},
		{"user", map[string]string{"name": userName, "type": userType}},
	}, a, stdout, stderr)
}
