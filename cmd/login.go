package cmd

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/azrepl/azrepl/auth"
	"github.com/azrepl/azrepl/bindings"
	"github.com/azrepl/azrepl/internal/suggest"
)

// `azrepl login` is login(opts) with flags: each key of login's options is
// a flag of the same name in kebab case (clientId → --client-id), read into
// the same options and signed in by the same code. The secrets (clientSecret,
// password) are not flags — a command line lands in shell history and in
// `ps` — they come from AZURE_CLIENT_SECRET / AZURE_PASSWORD or are asked
// on the terminal without echo, as login() asks.

const loginUsageHead = `Usage: azrepl login [--flow F] [--tenant T] [--client-id C] [--scope S] [flags] [-o json]

Signs in and makes the account the default one for azrepl token, api, env,
the shims and scripts; the same as login({…}) in a script. With no flags: a
device code for the Azure CLI's client in tenant "organizations", as
az login --use-device-code.

Flows (--flow):
`

const loginUsageTail = `
Secrets are never flags (--client-secret and --password are refused: a
command line lands in shell history): set AZURE_CLIENT_SECRET or
AZURE_PASSWORD, or type them when asked (not echoed). An app's secret or
certificate is kept in memory only: later commands (token, api, the shims)
rebuild it from AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH, or
reuse the tokens it cached.

Flags:
`

var loginExamples = []string{
	"azrepl login",
	"azrepl login --flow browser --tenant contoso.onmicrosoft.com",
	"AZURE_CLIENT_SECRET=… azrepl login --flow secret --tenant T --client-id C",
	"azrepl login --flow certificate --tenant T --client-id C --certificate app.pem",
	"azrepl login --flow workload-identity      # AZURE_FEDERATED_TOKEN_FILE, GitHub Actions OIDC",
	"azrepl login --flow managed-identity --client-id C",
}

// loginFlagDefs are login's flags for the command table: the secrets too,
// so that naming one gets its own message rather than "unknown flag".
func loginFlagDefs() []flagDef {
	specs, _ := loginFlags()
	out := defs(specs)
	for key := range secretOptions {
		out = append(out, flagDef{Name: kebab(key), Value: "SECRET"})
	}
	return out
}

// loginFlagUsage explains the flag of each login option; a key missing
// here still gets its flag (a test keeps the two in step).
var loginFlagUsage = map[string]string{
	"flow":        "how to sign in (above)",
	"tenant":      "tenant GUID or domain (secret/certificate: default $AZURE_TENANT_ID)",
	"clientId":    "the app (default: the Azure CLI; secret/certificate: $AZURE_CLIENT_ID)",
	"scope":       "the first token's scope",
	"certificate": "certificate flow: PEM file with the key and certificate (repeatable)",
	"loginHint":   "browser flow: the username to preselect",
	"alg":         "certificate flow: the assertion's signing algorithm (PS256, RS256)",
	"objectId":    "managed identity: a user-assigned identity's object id",
	"resourceId":  "managed identity: a user-assigned identity's resource id",
	"tokenFile":   "workload identity: the federated token file",
	"username":    "password flow: the user (default $AZURE_USERNAME)",
}

// secretOptions are login options that are never flags.
var secretOptions = map[string]string{
	"clientSecret": "AZURE_CLIENT_SECRET",
	"password":     "AZURE_PASSWORD",
}

// loginFlags are the flags of azrepl login and the option key of each.
func loginFlags() (specs []flagSpec, keyOf map[string]string) {
	keyOf = map[string]string{}
	for _, opt := range bindings.LoginOptions() {
		if _, secret := secretOptions[opt.Name]; secret {
			continue
		}
		name := kebab(opt.Name)
		usage := loginFlagUsage[opt.Name]
		if usage == "" {
			usage = "login({" + opt.Name + "})"
		}
		value := strings.ToUpper(strings.TrimPrefix(name, "--"))
		spec := flagSpec{flagDef: flagDef{Name: name, Value: value}, Repeat: opt.List, Usage: usage}
		if opt.Name == "flow" {
			spec.Choices = auth.FlowNames()
		}
		specs = append(specs, spec)
		keyOf[name] = opt.Name
	}
	specs = append(specs, outputFlag)
	return specs, keyOf
}

func loginUsage() string {
	specs, _ := loginFlags()
	return loginUsageHead + bindings.FlowList("  ", 80) + loginUsageTail + flagTable(specs)
}

func loginMain(ctx context.Context, o Options, stdout, stderr io.Writer) int {
	specs, keyOf := loginFlags()
	for key, env := range secretOptions {
		for _, a := range o.Args {
			if name, _, _ := strings.Cut(a, "="); name == kebab(key) {
				fmt.Fprintf(stderr, "azrepl: login: %s is not a flag: a secret on the command line lands in shell history; set %s or type it when asked\n", name, env)
				return 2
			}
		}
	}
	p, err := parseFlags("login", specs, o.Args)
	if err == nil {
		err = checkJSONOutput("login", p)
	}
	if err == nil && len(p.args) > 0 {
		err = &UsageError{fmt.Sprintf("login: unexpected argument %q (flags only)", p.args[0])}
	}
	if flow := p.get("--flow"); err == nil && flow != "" && !slices.Contains(auth.FlowNames(), flow) {
		err = &UsageError{fmt.Sprintf("login: unknown flow %q (use %s)%s", flow, strings.Join(auth.FlowNames(), ", "), suggest.DidYouMean(flow, auth.FlowNames()))}
	}
	if err != nil {
		return usageFail(stdout, stderr, "login", loginUsage(), err)
	}
	values := map[string][]string{}
	for flag, vs := range p.values {
		if key, ok := keyOf[flag]; ok {
			values[key] = vs
		}
	}
	env, w, err := accountEnv(ctx, o, stdout, stderr)
	if err != nil {
		return commandFail(stderr, "login", err, o.Debug)
	}
	defer w.close()
	a, err := bindings.Login(env, w.svc.Getenv, values)
	if err != nil {
		return commandFail(stderr, "login", err, o.Debug)
	}
	if p.get("--output") == "json" {
		_ = writeJSON(stdout, newAccountJSON(*a, true))
		return 0
	}
	fmt.Fprintf(stdout, "Signed in as %s (tenant %s, flow %s)\n", accountName(*a), cmp.Or(a.GuestTenantID, a.TenantID), a.Flow)
	return 0
}

// accountEnv is what a binding gets in a runtime, for a command that calls
// bindings' Go side directly: the services of the process and ctx as the
// evaluation's context.
func accountEnv(ctx context.Context, o Options, stdout, stderr io.Writer) (*bindings.Env, *wiring, error) {
	w, err := setup(ctx, o, stderr)
	if err != nil {
		return nil, nil, err
	}
	env := &bindings.Env{Stdout: stdout, Stderr: stderr, Debug: o.Debug}
	if err := w.setupEnv(env); err != nil {
		w.close()
		return nil, nil, err
	}
	env.SetContext(ctx)
	return env, w, nil
}

// checkJSONOutput: -o takes json only (the human form is the default).
func checkJSONOutput(name string, p parsedFlags) error {
	if v := p.get("--output"); v != "" && v != "json" {
		return &UsageError{fmt.Sprintf("%s: unknown output %q (use json)", name, v)}
	}
	return nil
}

const logoutUsage = `Usage: azrepl logout [ACCOUNT] [-o json]

Forgets an account and its tokens (ACCOUNT: a username, or an app's client
id); with no ACCOUNT, every account. The same as logout(ACCOUNT) in a script.
azrepl status lists who is signed in.

Flags:
`

var logoutExamples = []string{"azrepl logout alice@contoso.onmicrosoft.com", "azrepl logout"}

func logoutMain(ctx context.Context, o Options, stdout, stderr io.Writer) int {
	p, err := parseFlags("logout", plainFlags, o.Args)
	if err == nil {
		err = checkJSONOutput("logout", p)
	}
	if err == nil && len(p.args) > 1 {
		err = &UsageError{fmt.Sprintf("logout: one ACCOUNT at most (got %q and %q)", p.args[0], p.args[1])}
	}
	if err != nil {
		return usageFail(stdout, stderr, "logout", logoutUsage+flagTable(plainFlags), err)
	}
	who := ""
	if len(p.args) == 1 {
		who = p.args[0]
	}
	env, w, err := accountEnv(ctx, o, stdout, stderr)
	if err != nil {
		return commandFail(stderr, "logout", err, o.Debug)
	}
	defer w.close()
	before, err := env.Auth.Accounts()
	if err == nil {
		err = env.Auth.Logout(who)
	}
	if err != nil {
		return commandFail(stderr, "logout", bindings.AuthError(env, err), o.Debug)
	}
	after, _ := env.Auth.Accounts()
	gone := goneAccounts(before, after)
	if p.get("--output") == "json" {
		_ = writeJSON(stdout, map[string][]string{"signedOut": gone})
		return 0
	}
	if len(gone) == 0 {
		fmt.Fprintln(stdout, "No account was signed in")
		return 0
	}
	for _, name := range gone {
		fmt.Fprintf(stdout, "Signed out %s\n", name)
	}
	return 0
}

// goneAccounts names the accounts of before that after lacks.
func goneAccounts(before, after []auth.Account) []string {
	kept := map[string]bool{}
	for _, a := range after {
		kept[a.Environment+"|"+a.HomeAccountID+"|"+a.GuestTenantID] = true
	}
	gone := []string{}
	for _, a := range before {
		if !kept[a.Environment+"|"+a.HomeAccountID+"|"+a.GuestTenantID] {
			gone = append(gone, accountName(a))
		}
	}
	return gone
}
