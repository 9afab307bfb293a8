package cmd

import (
	"context"
	"fmt"
	"io"
)

// The account commands — azrepl login, logout, status and api — do from a
// shell what login(), logout(), accounts()/tokens() and graph/arm/
// databricks do in a script, through the same code: the login lands in
// AZREPL_HOME for every later command. --debug traces their exchanges.
// They refuse --emulator, whose logins end with the process: against the
// emulator, `azrepl emulate --dir D` and `. D/env` (README).

// The account commands in the command table (commands.go).
var (
	loginCommand = &command{Name: "login", Synopsis: "login [--flow F] [--tenant T] [-o json]", Summary: "sign in (every flow of login()); the default account for everything else",
		Help: loginUsage(), Examples: loginExamples, Flags: loginFlagDefs(), Run: accountMain}
	logoutCommand = &command{Name: "logout", Synopsis: "logout [ACCOUNT] [-o json]", Summary: "forget an account and its tokens (no ACCOUNT: every one)",
		Help: logoutUsage + flagTable(plainFlags), Examples: logoutExamples, Flags: defs(plainFlags), Run: accountMain}
	statusCommand = &command{Name: "status", Synopsis: "status [-o json]", Summary: "accounts, tenants, cached tokens (audience, scope, expiry), Databricks profiles",
		Help: statusUsage + flagTable(plainFlags), Examples: statusExamples, Flags: defs(plainFlags), Run: accountMain}
	apiCommand = &command{Name: "api", Synopsis: "api PATH|URL [-X M] [-f|-F K=V] [--body B] [-i] [--paginate] [--query Q]", Summary: "call Graph, ARM, Databricks or a URL with the right token; the body on stdout",
		Help: apiUsage + flagTable(apiFlags), Examples: apiExamples, Flags: defs(apiFlags), Run: accountMain}
)

// accountMain runs one account command.
func accountMain(ctx context.Context, o Options, stdout, stderr io.Writer) int {
	if o.Emulator {
		fmt.Fprintf(stderr, "azrepl: %s takes no --emulator (its logins would end with the process): start `azrepl emulate --dir D`, `. D/env`, then run azrepl %s (azrepl --help for usage)\n", o.Command, o.Command)
		return 2
	}
	ctx, stop := interruptible(ctx)
	defer stop()
	switch o.Command {
	case "login":
		return loginMain(ctx, o, stdout, stderr)
	case "logout":
		return logoutMain(ctx, o, stdout, stderr)
	case "status":
		return statusMain(ctx, o, stdout, stderr)
	}
	return apiMain(ctx, o, stdout, stderr)
}
