package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/azrepl/azrepl/bindings"
	"github.com/azrepl/azrepl/errcode"
	"github.com/azrepl/azrepl/httpx"
	"github.com/azrepl/azrepl/runtime"
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
	apiCommand = &command{Name: "api", Synopsis: "api PATH|URL [-X M] [--body B] [--paginate] [--query Q]", Summary: "call Graph, ARM, Databricks or a URL with the right token; the body on stdout",
		Help: apiUsage + flagTable(apiFlags), Examples: apiExamples, Flags: defs(apiFlags), Run: accountMain}
)

// plainFlags: logout and status take -o json only.
var plainFlags = []flagSpec{outputFlag}

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

// usageFail prints a command-line error as one line; exit 2. Help goes
// to stdout, exit 0.
func usageFail(stdout, stderr io.Writer, name, usage string, err error) int {
	if errors.Is(err, errHelp) {
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "azrepl: %v (azrepl %s --help)\n", err, name)
	return 2
}

// commandFail prints an account command's error as a script's uncaught
// error is printed — `azrepl NAME: CODE: message` and its hint below, on
// stderr — and returns the exit status of its code (errcode).
func commandFail(stderr io.Writer, name string, err error, debug bool) int {
	var (
		msg, hint string
		code      int
		be        *bindings.Error
	)
	switch {
	case errors.As(err, &be):
		msg, hint = be.Message, be.Hint
		if be.Code != "" {
			msg = be.Code + ": " + msg
		}
		code = errcode.Exit(be.Code)
	case errors.Is(err, runtime.ErrInterrupted):
		msg, code = "interrupted", 130
	default:
		var ok bool
		msg, code = runtime.Describe(err, debug)
		hint = runtime.Hint(err)
		// The position is that of the command's own one-line call.
		if msg, ok = strings.CutPrefix(msg, jsCallName+":"); ok {
			if _, rest, found := strings.Cut(msg, ": "); found {
				msg = rest
			}
		}
	}
	msg = httpx.EscapeControls(httpx.RedactText(shellAdvice(collapseSpace(msg))))
	fmt.Fprintf(stderr, "azrepl %s: %s\n", name, msg)
	printHint(stderr, msg, shellAdvice(hint))
	return code
}
