package cmd

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/azrepl/azrepl/auth"
	"github.com/azrepl/azrepl/internal/suggest"
)

const envUsage = `Usage: azrepl env [--databricks] [--host H] [--profile P] [--shell sh|fish|powershell]

Prints shell exports for the current login, safe to eval:
  eval "$(azrepl env)"                               (sh, bash, dash, zsh)
  azrepl env | source                                (fish)
  azrepl env --shell powershell | Invoke-Expression  (PowerShell)
AZURE_TENANT_ID (and AZURE_CLIENT_ID for an app login; never a secret),
AZURE_AUTHORITY_HOST and AZURE_SUBSCRIPTION_ID when set. With --databricks,
also DATABRICKS_HOST and a short-lived DATABRICKS_TOKEN (with
DATABRICKS_AUTH_TYPE=pat so that SDKs use it), for the host of --host,
DATABRICKS_HOST or the ~/.databrickscfg profile.
`

// envShells are the shells --shell names (pwsh is powershell).
var envShells = []string{"sh", "fish", "powershell"}

// envMain is `azrepl env`.
func envMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	withDatabricks := false
	host, profile, shell := "", "", "sh"
	for i := 0; i < len(args); i++ {
		name, val, hasVal := strings.Cut(args[i], "=")
		switch {
		case name == "-h" || name == "--help":
			fmt.Fprint(stdout, envUsage)
			return 0
		case name == "--databricks":
			withDatabricks = true
		case name == "--host" || name == "--profile" || name == "--shell":
			if !hasVal {
				if i+1 >= len(args) {
					fmt.Fprintf(stderr, "azrepl: env: %s needs a value (azrepl env --help)\n", name)
					return 2
				}
				i++
				val = args[i]
			}
			switch name {
			case "--shell":
				shell = strings.ToLower(val)
				if shell != "sh" && shell != "fish" && shell != "powershell" && shell != "pwsh" {
					fmt.Fprintf(stderr, "azrepl: env: --shell %q is not one of sh, fish, powershell%s (azrepl env --help)\n", val, suggest.DidYouMean(val, envShells))
					return 2
				}
				continue
			case "--host":
				host = val
			default:
				profile = val
			}
			withDatabricks = true
		default:
			fmt.Fprintf(stderr, "azrepl: env: unexpected argument %q (azrepl env --help)\n", args[i])
			return 2
		}
	}
	ts, accts, err := openAccounts(stderr)
	if err != nil {
		return ts.fail(stderr, "azrepl", err)
	}
	var lines []string
	var bad error
	export := func(k, v string) {
		if v == "" {
			return
		}
		if err := checkEnvValue(k, v); err != nil && bad == nil {
			bad = err
		}
		if shell == "powershell" || shell == "pwsh" {
			lines = append(lines, "$env:"+k+" = "+powershellWord(v))
		} else {
			lines = append(lines, "export "+k+"="+shellWord(v))
		}
	}
	if len(accts) > 0 {
		a := accts[0]
		lines = append(lines, "# azrepl login: "+commentText(cmp.Or(a.Username, a.ClientID)))
		export("AZURE_TENANT_ID", cmp.Or(a.TenantID, a.Tenant))
		if a.Flow == auth.FlowSecret || a.Flow == auth.FlowCertificate {
			export("AZURE_CLIENT_ID", a.ClientID)
		}
	} else if !withDatabricks {
		return ts.fail(stderr, "azrepl", fmt.Errorf("%w: run login() first", auth.ErrLoginNeeded))
	}
	export("AZURE_AUTHORITY_HOST", os.Getenv("AZURE_AUTHORITY_HOST"))
	export("AZURE_SUBSCRIPTION_ID", os.Getenv("AZURE_SUBSCRIPTION_ID"))
	if withDatabricks {
		cfg, err := auth.LoadDatabricksConfig(os.Getenv, auth.DatabricksConfig{Host: host, Profile: profile})
		if err != nil {
			return ts.fail(stderr, "azrepl", err)
		}
		t, err := ts.databricksToken(ctx, cfg.Host, cfg.Profile, false)
		if err != nil {
			return ts.fail(stderr, "azrepl", err)
		}
		export("DATABRICKS_HOST", cfg.Host)
		lines = append(lines, "# DATABRICKS_TOKEN: "+commentText(databricksWho(t))+", expires at "+t.ExpiresOn.UTC().Format(time.RFC3339))
		export("DATABRICKS_TOKEN", t.AccessToken)
		export("DATABRICKS_AUTH_TYPE", "pat")
	}
	if bad != nil {
		return ts.fail(stderr, "azrepl", bad)
	}
	fmt.Fprintln(stdout, strings.Join(lines, "\n"))
	return 0
}

// databricksWho says whose a Databricks token is: the workspace's service
// principal (M2M), the Databricks login (U2M), or the Entra account whose
// token the workspace takes, which need not be the azrepl login above it.
func databricksWho(t *auth.Token) string {
	a := t.Account
	flow, own := strings.CutPrefix(a.Flow, "databricks-")
	switch {
	case own && flow == "m2m":
		return "the service principal " + a.ClientID + " (m2m)"
	case !own && a.Username != "":
		return a.Username + " (an Entra token)"
	case a.Username != "":
		return a.Username + " (" + flow + ")"
	case own:
		return "the " + flow + " login of " + cmp.Or(a.Authority, "the workspace")
	}
	return "client " + a.ClientID
}
