package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/azrepl/azrepl/auth"
	"github.com/azrepl/azrepl/internal/suggest"
)

// `azrepl token`, `azrepl env` and the az/databricks shims serve tokens to
// other programs. They never create a JavaScript runtime: a cached token
// costs a read of tokens.json, a refresh one exchange.

const tokenUsage = `Usage: azrepl token [SCOPE|RESOURCE] [--tenant T] [--client-id C] [--account A] [--force] [-o FORMAT]

Prints an access token of the current login: the cached one, else the refresh
token redeemed for SCOPE (default the ARM scope, as az). A RESOURCE
("https://graph.microsoft.com", an app id) means its /.default scope.
FORMAT: raw (default), header ("Authorization: Bearer …"), json,
az (as "az account get-access-token -o json"), exec-credential (a
client.authentication.k8s.io/v1 ExecCredential for kubectl), databricks
(as "databricks auth token").
`

// tokenArgs is the parsed command line of `azrepl token`.
type tokenArgs struct {
	Scope   string
	Opts    auth.TokenOptions
	Output  string
	Sub     string // az output: the subscription to report
	TenantQ bool   // az output: --tenant was given, so no subscription is reported (as az)
}

var tokenFormats = []string{"raw", "header", "json", "az", "exec-credential", "databricks"}

func parseTokenArgs(args []string) (tokenArgs, error) {
	a := tokenArgs{Output: "raw"}
	for i := 0; i < len(args); i++ {
		name, val, hasVal := strings.Cut(args[i], "=")
		if !strings.HasPrefix(name, "-") {
			if a.Scope != "" {
				return a, &UsageError{fmt.Sprintf("token: one SCOPE only (got %q and %q; quote a list of scopes)", a.Scope, args[i])}
			}
			a.Scope = args[i]
			continue
		}
		value := func() (string, error) {
			if hasVal {
				return val, nil
			}
			if i+1 >= len(args) {
				return "", &UsageError{"token: " + name + " needs a value"}
			}
			i++
			return args[i], nil
		}
		var err error
		switch name {
		case "--tenant", "-t":
			a.Opts.Tenant, err = value()
			a.TenantQ = true
		case "--client-id":
			a.Opts.ClientID, err = value()
		case "--account":
			a.Opts.Account, err = value()
		case "--force":
			a.Opts.Force = true
		case "-o", "--output":
			a.Output, err = value()
			if err == nil && !contains(tokenFormats, a.Output) {
				err = &UsageError{fmt.Sprintf("token: unknown output %q%s (use %s)", a.Output, suggest.DidYouMean(a.Output, tokenFormats), strings.Join(tokenFormats, ", "))}
			}
		case "-h", "--help":
			return a, errHelp
		default:
			err = &UsageError{"token: unknown flag " + name}
		}
		if err != nil {
			return a, err
		}
	}
	a.Scope = auth.ScopeOrResource(a.Scope)
	return a, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// tokenMain is `azrepl token ...`.
func tokenMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	a, err := parseTokenArgs(args)
	if errors.Is(err, errHelp) {
		fmt.Fprint(stdout, tokenUsage)
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "azrepl: %v (azrepl token --help)\n", err)
		return 2
	}
	ts, err := openTokenSession(stderr)
	if err != nil {
		return ts.fail(stderr, "azrepl", err)
	}
	t, err := ts.session.Token(ctx, a.Scope, a.Opts)
	if err != nil {
		return ts.fail(stderr, "azrepl", err)
	}
	a.Sub = os.Getenv("AZURE_SUBSCRIPTION_ID")
	if a.Output == "az" && a.Sub == "" && !a.TenantQ {
		a.Sub = ts.defaultSubscription(ctx, t.Account, tokenTenantID(t)).ID
	}
	if err := writeToken(stdout, a.Output, t, a.Sub, a.TenantQ); err != nil {
		return ts.fail(stderr, "azrepl", err)
	}
	return 0
}

// writeToken prints t in one of the token formats.
func writeToken(w io.Writer, format string, t *auth.Token, sub string, tenantGiven bool) error {
	var v any
	switch format {
	case "", "raw":
		_, err := fmt.Fprintln(w, t.AccessToken)
		return err
	case "header":
		_, err := fmt.Fprintf(w, "Authorization: %s %s\n", bearer(t), t.AccessToken)
		return err
	case "json":
		v = tokenJSON{AccessToken: t.AccessToken, TokenType: bearer(t), ExpiresOn: t.ExpiresOn.UTC().Format(time.RFC3339),
			Scope: t.Scope, Audience: t.Audience, Tenant: t.Tenant, ClientID: t.ClientID, Account: t.Account.Username}
	case "az":
		v = azTokenJSON(t, sub, tenantGiven)
	case "exec-credential":
		v = execCredential(t)
	case "databricks":
		v = databricksTokenJSON(t)
	default:
		return fmt.Errorf("unknown output %q", format)
	}
	return writeJSON(w, v)
}

func writeJSON(w io.Writer, v any) error {
	raw, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(raw, '\n'))
	return err
}

func bearer(t *auth.Token) string {
	if t.TokenType == "" || strings.EqualFold(t.TokenType, "bearer") {
		return "Bearer"
	}
	return t.TokenType
}

// tokenJSON is azrepl's own JSON form (-o json).
type tokenJSON struct {
	AccessToken string `json:"accessToken"`
	TokenType   string `json:"tokenType"`
	ExpiresOn   string `json:"expiresOn"` // RFC 3339, UTC
	Scope       string `json:"scope"`
	Audience    string `json:"audience,omitempty"`
	Tenant      string `json:"tenant,omitempty"`
	ClientID    string `json:"clientId"`
	Account     string `json:"account,omitempty"`
}

// azToken is what `az account get-access-token -o json` prints (az sorts
// the keys; the field order here is that order). expiresOn is local time
// without a zone, %Y-%m-%d %H:%M:%S.%f; expires_on the epoch seconds;
// subscription is left out when --tenant was given.
type azToken struct {
	AccessToken  string `json:"accessToken"`
	ExpiresOn    string `json:"expiresOn"`
	ExpiresOnInt int64  `json:"expires_on"`
	Subscription string `json:"subscription,omitempty"`
	Tenant       string `json:"tenant"`
	TokenType    string `json:"tokenType"`
}

func azTokenJSON(t *auth.Token, sub string, tenantGiven bool) azToken {
	tenant := tokenTenantID(t)
	if sub == "" && !tenantGiven {
		// az reports a tenant-level account (no subscription) with the
		// tenant id as its "subscription".
		sub = tenant
	}
	if tenantGiven {
		sub = ""
	}
	// az prints the epoch seconds as a local time, so the fraction is 0.
	exp := time.Unix(t.ExpiresOn.Unix(), 0)
	return azToken{AccessToken: t.AccessToken, ExpiresOn: exp.Local().Format("2006-01-02 15:04:05.000000"),
		ExpiresOnInt: t.ExpiresOn.Unix(), Subscription: sub, Tenant: tenant, TokenType: bearer(t)}
}

// tokenTenantID is the tenant GUID a token was issued by: its tid claim,
// else the tenant asked, else the account's home tenant.
func tokenTenantID(t *auth.Token) string {
	if tid, ok := t.Claims["tid"].(string); ok && tid != "" {
		return tid
	}
	if t.Tenant != "" && t.Tenant != "organizations" && t.Tenant != "common" {
		return t.Tenant
	}
	return t.Account.TenantID
}

// ExecCredential is client.authentication.k8s.io/v1's ExecCredential, the
// answer of a kubectl exec credential plugin.
type ExecCredential struct {
	Kind       string               `json:"kind"`
	APIVersion string               `json:"apiVersion"`
	Spec       ExecCredentialSpec   `json:"spec"`
	Status     ExecCredentialStatus `json:"status"`
}

// ExecCredentialSpec is the request part; a plugin echoes interactive=false.
type ExecCredentialSpec struct {
	Interactive bool `json:"interactive"`
}

// ExecCredentialStatus carries the token and when kubectl must ask again.
type ExecCredentialStatus struct {
	ExpirationTimestamp string `json:"expirationTimestamp"` // RFC 3339
	Token               string `json:"token"`
}

func execCredential(t *auth.Token) ExecCredential {
	return ExecCredential{Kind: "ExecCredential", APIVersion: "client.authentication.k8s.io/v1",
		Status: ExecCredentialStatus{ExpirationTimestamp: t.ExpiresOn.UTC().Format(time.RFC3339), Token: t.AccessToken}}
}

// databricksToken is what `databricks auth token` prints (an oauth2.Token
// without its refresh token); the SDKs' databricks-cli auth parses it.
type databricksToken struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	Expiry      string `json:"expiry"` // RFC 3339 with the local offset, as Go prints a time.Time
}

func databricksTokenJSON(t *auth.Token) databricksToken {
	return databricksToken{AccessToken: t.AccessToken, TokenType: bearer(t), Expiry: t.ExpiresOn.Local().Format(time.RFC3339Nano)}
}
