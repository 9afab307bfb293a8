package cmd

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/internal/suggest"
)

// globalFlags come before any subcommand.
var globalFlags = []flagDef{
	{Name: "--emulator"}, {Name: "--debug"}, {Name: "--eval", Alias: "-e", Value: "EXPR"},
	{Name: "--help", Alias: "-h"}, {Name: "--version"},
	{Name: "--output", Alias: "-o", Value: "FORMAT", Choices: outputFormats}, {Name: "--query", Value: "PATH"},
}

// commands is every subcommand, in the order --help lists them.
var commands = []*command{
	{Name: "run", Synopsis: "[flags] run FILE [ARGS...]", Summary: "run a script; ARGS are in the args global",
		Help:     "Usage: azrepl [--emulator] [--debug] run FILE [ARGS...]\n\nRuns a JavaScript file with azrepl's API; ARGS are in the args global. Exit 0 on\nsuccess; an uncaught error prints file:line:col: CODE: message and exits non-zero.\nFlags after FILE belong to the script.\n",
		Examples: []string{"azrepl --emulator run scripts/story.js", "azrepl run groups.js --top 5 > groups.json"},
		Flags:    []flagDef{{Name: "--emulator"}, {Name: "--debug"}}, FlagsEndAtArg: true},
	{Name: "emulate", Synopsis: "emulate [flags]", Summary: "run the offline emulator as a server", Help: emulateHelp(),
		Examples: []string{"azrepl emulate --dir ~/emu --approve-after 2s &", ". ~/emu/env && azrepl -e 'login()'   # HTTPS_PROXY and SSL_CERT_FILE point at it"},
		Flags:    emulateFlags(), FlagsEndAtArg: true, Run: func(ctx context.Context, o Options, stdout, stderr io.Writer) int {
			// The emulator handles its own signals and flags.
			return emulate(ctx, o.Args, stdout, stderr)
		}},
	{Name: "token", Synopsis: "token [SCOPE] [-o FORMAT]", Summary: "print a token of the current login", Help: tokenUsage,
		Examples: []string{"azrepl token https://graph.microsoft.com", "azrepl token -o header | curl -H @- https://management.azure.com/subscriptions?api-version=2022-12-01", "azrepl token --tenant contoso.onmicrosoft.com -o json"},
		Flags: []flagDef{{Name: "--tenant", Alias: "-t", Value: "T"}, {Name: "--client-id", Value: "C"}, {Name: "--account", Value: "A"},
			{Name: "--force"}, {Name: "--output", Alias: "-o", Value: "FORMAT", Choices: tokenFormats}},
		LoginsOnly: true, Run: func(_ context.Context, o Options, stdout, stderr io.Writer) int {
			ctx, cancel := commandContext()
			defer cancel()
			return tokenMain(ctx, o.Args, stdout, stderr)
		}},
	{Name: "env", Synopsis: "env [--databricks]", Summary: "shell exports for the current login, for eval", Help: envUsage,
		Examples: []string{`eval "$(azrepl env)"`, `eval "$(azrepl env --databricks --profile dev)"`},
		Flags: []flagDef{{Name: "--databricks"}, {Name: "--host", Value: "H"}, {Name: "--profile", Value: "P"},
			{Name: "--shell", Value: "SHELL", Choices: envShells}},
		LoginsOnly: true, Run: func(_ context.Context, o Options, stdout, stderr io.Writer) int {
			ctx, cancel := commandContext()
			defer cancel()
			return envMain(ctx, o.Args, stdout, stderr)
		}},
	{Name: "shim", Synopsis: "shim --dir DIR", Summary: "install az and databricks shims that serve azrepl's tokens", Help: shimUsage,
		Flags:      []flagDef{{Name: "--dir", Value: "DIR"}, {Name: "--remove"}},
		LoginsOnly: true, Run: func(_ context.Context, o Options, stdout, stderr io.Writer) int {
			return shimMain(o.Args, stdout, stderr)
		}},
	{Name: "record", Synopsis: "[--emulator] record -- CMD", Summary: "run CMD behind a recorder; explain and replay how it signs in", Help: "Usage: " + recordUsage,
		Examples: []string{"azrepl record -- az account get-access-token", "azrepl --emulator record --out rec -- python3 app.py"},
		Flags:    []flagDef{{Name: "--out", Value: "DIR"}, {Name: "--intercept", Value: "HOST"}}, FlagsEndAtArg: true,
		Run: func(ctx context.Context, o Options, stdout, stderr io.Writer) int {
			return recordMain(ctx, o.Emulator, o.Args, stdout, stderr)
		}},
	loginCommand, logoutCommand, statusCommand, apiCommand,
	{Name: "completion", Synopsis: "completion bash|zsh|fish|powershell", Summary: "print a shell completion script", Help: completionUsage,
		Examples: []string{`source <(azrepl completion bash)`, `azrepl completion zsh > "${fpath[1]}/_azrepl"`, `azrepl completion fish > ~/.config/fish/completions/azrepl.fish`},
		Choices:  completionShells},
	{Name: "version", Synopsis: "version, --version", Summary: "print the version", Help: "Usage: azrepl version\n\nPrints azrepl's version, the Go version, the platform and the link mode.\n",
		Examples: []string{"azrepl version"},
		Run: func(_ context.Context, _ Options, stdout, _ io.Writer) int {
			fmt.Fprintln(stdout, versionLine())
			return 0
		}},
	{Name: "help", Synopsis: "help [COMMAND]", Summary: "this help, or a command's", Help: "Usage: azrepl help [COMMAND]\n\nPrints azrepl's help, or COMMAND's (the same as azrepl COMMAND --help).\n",
		Examples: []string{"azrepl help token"}},
}

func init() {
	// These read the table, which cannot name them in its own initializer.
	lookupCommand("help").Choices = commandNames()
	lookupCommand("help").Run = helpMain
	lookupCommand("completion").Run = completionMain
}

func lookupCommand(name string) *command {
	for _, c := range commands {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func commandNames() []string {
	names := make([]string, len(commands))
	for i, c := range commands {
		names[i] = c.Name
	}
	return names
}

// emulateFlags are the emulator's own flags, as its flag set defines them.
func emulateFlags() []flagDef {
	var defs []flagDef
	emulator.Flags(new(emulator.Config)).VisitAll(func(f *flag.Flag) {
		d := flagDef{Name: "--" + f.Name}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
			d.Value, _ = flag.UnquoteUsage(f)
		}
		defs = append(defs, d)
	})
	return defs
}

func emulateHelp() string {
	var b strings.Builder
	b.WriteString("Usage: azrepl emulate [flags]\n\nRuns the offline Entra ID / Graph / ARM / Databricks emulator until stopped. It\nprints shell exports (HTTPS_PROXY, SSL_CERT_FILE, …) and one ready line on stdout.\n\nFlags:\n")
	emulator.Flags(new(emulator.Config)).VisitAll(func(f *flag.Flag) {
		value, usage := flag.UnquoteUsage(f)
		fmt.Fprintf(&b, "  --%s %s\n        %s", f.Name, value, usage)
		if f.DefValue != "" && f.DefValue != "0" && f.DefValue != "0s" {
			fmt.Fprintf(&b, " (default %q)", f.DefValue)
		}
		b.WriteString("\n")
	})
	return b.String()
}

// overview is `azrepl --help`.
func overview() string {
	var b strings.Builder
	b.WriteString("azrepl — a scriptable shell for Microsoft cloud authentication (Entra ID, Graph, ARM, Databricks)\n\nUsage:\n")
	rows := [][2]string{{"[flags]", "start the REPL"}, {"[flags] -e 'EXPR'", "evaluate EXPR and print its value"}}
	for _, c := range commands {
		rows = append(rows, [2]string{c.Synopsis, c.Summary})
	}
	for _, r := range rows {
		fmt.Fprintf(&b, "  azrepl %-36s %s\n", r[0], r[1])
	}
	b.WriteString(`
Flags:
  --emulator    use the built-in offline emulator (no account, no network)
  --debug       print every HTTP exchange (redacted) and JS stacks to stderr
  -e EXPR       evaluate EXPR
  -h, --help    this help; azrepl COMMAND --help for a command's

Examples:
  azrepl --emulator                         the REPL against the offline emulator
  azrepl -e 'graph.get("/me").json'         one expression, printed
  azrepl token https://graph.microsoft.com  a token for another program

Environment: AZREPL_HOME (default: the user config dir + /azrepl), NO_COLOR, HTTPS_PROXY,
NO_PROXY, SSL_CERT_FILE, AZURE_* and DATABRICKS_* as the Azure CLI and Databricks CLI read them.
In the REPL, .help lists the JavaScript API.
`)
	return b.String()
}

// commandHelp is `azrepl NAME --help`.
func commandHelp(c *command) string {
	var b strings.Builder
	b.WriteString(c.Help)
	if len(c.Examples) > 0 {
		b.WriteString("\nExamples:\n")
		for _, e := range c.Examples {
			b.WriteString("  " + e + "\n")
		}
	}
	return b.String()
}

// helpMain is `azrepl help [COMMAND]`.
func helpMain(_ context.Context, o Options, stdout, stderr io.Writer) int {
	if len(o.Args) == 0 {
		fmt.Fprint(stdout, overview())
		return 0
	}
	c := lookupCommand(o.Args[0])
	if c == nil {
		fmt.Fprintf(stderr, "azrepl: help: unknown command %q%s (azrepl --help for usage)\n", o.Args[0], suggest.DidYouMean(o.Args[0], commandNames()))
		return 2
	}
	fmt.Fprint(stdout, commandHelp(c))
	return 0
}
