package cmd

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/azrepl/azrepl/auth"
	"github.com/azrepl/azrepl/internal/version"
)

// databricksCLIVersion is the Databricks CLI whose `auth token` interface
// the shim speaks: the Databricks SDKs run `databricks version` and pick
// their flags from it (--profile needs 0.207.1, --force-refresh 0.296.0).
const databricksCLIVersion = "v0.296.0"

// databricksMain is azrepl invoked as databricks.
func databricksMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if w := strings.Join(leadingWords(args), " "); w != "version" && w != "auth token" && !(w == "" && len(args) > 0 && args[0] == "--version") {
		if real := realTool("databricks"); real != "" {
			return passThrough(ctx, real, args, stdout, stderr)
		}
	}
	words, flags, err := parseDatabricksArgs(args)
	if err != nil {
		fmt.Fprintf(stderr, "Error: %v (azrepl's databricks shim)\n", err)
		return 2
	}
	switch strings.Join(words, " ") {
	case "version":
		fmt.Fprintf(stdout, "Databricks CLI %s\n", databricksCLIVersion)
		return 0
	case "auth token":
		if flags["account-id"] != "" {
			fmt.Fprintln(stderr, "Error: azrepl's databricks shim serves workspace tokens only, not account-level ones (--account-id)")
			return 2
		}
		host := flags["host"]
		if host == "" && len(words) > 2 {
			host = words[2]
		}
		ts, err := openTokenSession(stderr)
		if err != nil {
			return ts.fail(stderr, "Error", err)
		}
		t, err := ts.databricksToken(ctx, host, flags["profile"], flags["force-refresh"] != "")
		if err != nil {
			return ts.fail(stderr, "Error", err)
		}
		if err := writeJSON(stdout, databricksTokenJSON(t)); err != nil {
			return ts.fail(stderr, "Error", err)
		}
		return 0
	}
	if flags["version"] != "" && len(words) == 0 {
		fmt.Fprintf(stdout, "Databricks CLI %s\n", databricksCLIVersion)
		return 0
	}
	fmt.Fprintf(stderr, "Error: this databricks is azrepl (%s): it only serves tokens (databricks auth token --host H [--profile P]) and found no other databricks on PATH for %q\n",
		version.String(), strings.TrimSpace("databricks "+strings.Join(args, " ")))
	return 2
}

// parseDatabricksArgs reads `auth token` flags: --host, --profile (-p),
// --account-id, --force-refresh, --output/-o (json only), --debug.
func parseDatabricksArgs(args []string) (words []string, flags map[string]string, err error) {
	flags = map[string]string{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") {
			words = append(words, a)
			continue
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch name {
		case "p":
			name = "profile"
		case "o":
			name = "output"
		}
		switch name {
		case "force-refresh", "debug", "version", "help":
			flags[name] = "true"
			continue
		case "host", "profile", "account-id", "output", "timeout":
		default:
			return words, flags, fmt.Errorf("unknown flag: %s", a)
		}
		if !hasVal {
			if i+1 >= len(args) {
				return words, flags, fmt.Errorf("flag needs an argument: %s", a)
			}
			i++
			val = args[i]
		}
		flags[name] = val
	}
	if o := flags["output"]; o != "" && o != "json" && o != "text" {
		return words, flags, fmt.Errorf("invalid output %q: azrepl's databricks shim prints json", o)
	}
	return words, flags, nil
}

// databricksToken picks, without ever opening a browser, how to get a
// token for a workspace: the profile's or environment's service principal
// (M2M), else azrepl's Databricks login of that host (U2M refresh), else,
// for an Azure Databricks host, an Entra token of the current login for
// the Azure Databricks resource.
func (ts *tokenSession) databricksToken(ctx context.Context, host, profile string, force bool) (*auth.Token, error) {
	cfg, err := auth.LoadDatabricksConfig(os.Getenv, auth.DatabricksConfig{Host: host, Profile: profile})
	if err != nil {
		return nil, err
	}
	flow := ""
	switch {
	case cfg.AuthType == "azure-cli":
		flow = "azure"
	case cfg.ClientID != "" && cfg.ClientSecret != "":
		flow = "m2m"
	case ts.hasDatabricksLogin(cfg.Host):
		flow = "u2m"
	case isAzureDatabricks(cfg.Host):
		flow = "azure"
	default:
		return nil, fmt.Errorf("%w: no Databricks login for %s: run azrepl -e 'databricks({host: %q})' first", auth.ErrLoginNeeded, cfg.Host, cfg.Host)
	}
	// A browser login has no place in a program's token call: the U2M path
	// only redeems the refresh token, within a bounded time.
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	t, _, err := ts.session.DatabricksToken(ctx, auth.DatabricksOptions{Host: cfg.Host, Profile: cfg.Profile, Flow: flow, Force: force})
	return t, err
}

// hasDatabricksLogin: azrepl keeps a Databricks U2M refresh token for host.
func (ts *tokenSession) hasDatabricksLogin(host string) bool {
	infos, err := ts.session.Tokens()
	if err != nil {
		return false
	}
	h := strings.ToLower(strings.TrimPrefix(strings.TrimPrefix(host, "https://"), "http://"))
	for _, i := range infos {
		if i.Kind == "refresh" && strings.EqualFold(i.Authority, h) && i.ClientID == auth.DatabricksCLIClientID {
			return true
		}
	}
	return false
}

func isAzureDatabricks(host string) bool {
	h := strings.ToLower(strings.TrimPrefix(host, "https://"))
	return strings.HasSuffix(h, ".azuredatabricks.net") || strings.HasSuffix(h, ".databricks.azure.cn") || strings.HasSuffix(h, ".databricks.azure.us")
}
