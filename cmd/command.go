package cmd

// One subcommand of the command table, and the check of its flags.

import (
	"context"
	"io"
	"strings"

	"github.com/azrepl/azrepl/internal/suggest"
)

// command is one subcommand: its help, the flags its parser accepts (checked
// here first, so a mistyped flag is one line with a suggestion) and what the
// shell completions offer. A new subcommand is one entry in commands.
type command struct {
	Name     string
	Synopsis string // after "azrepl ", as the overview lists it
	Summary  string // one line, for the overview and the completions
	Help     string // `azrepl NAME --help`, from its "Usage:" line on
	Examples []string
	Flags    []flagDef
	// Choices are the values of its first argument (completion's shells).
	Choices []string
	// FlagsEndAtArg: flags stop at the first argument, the rest belongs to
	// the script or command it runs (`run FILE --x`, `record -- CMD`).
	FlagsEndAtArg bool
	// LoginsOnly: it serves the logins in AZREPL_HOME, so --emulator and
	// --debug before it are refused.
	LoginsOnly bool
	// Run is the subcommand; nil for the ones Main wires itself (run).
	Run func(ctx context.Context, o Options, stdout, stderr io.Writer) int
}

// lookupFlag finds arg's flag; Go's flag package accepts "-listen" for
// "--listen", and so does this.
func (c *command) lookupFlag(name string, flags []flagDef) (flagDef, bool) {
	for _, f := range flags {
		if name == f.Name || (f.Alias != "" && name == f.Alias) || "-"+name == f.Name {
			return f, true
		}
	}
	return flagDef{}, false
}

// checkFlags reads a subcommand's arguments as its parser will: -h or
// --help asks for help; an unknown flag is a one-line error that names the
// flag most likely meant.
func (c *command) checkFlags(args []string) (help bool, err error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return false, nil
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			if c.FlagsEndAtArg {
				return false, nil
			}
			continue
		}
		name, _, hasValue := strings.Cut(a, "=")
		if name == "-h" || name == "--help" || name == "-help" {
			return true, nil
		}
		f, ok := c.lookupFlag(name, c.Flags)
		if !ok {
			return false, &commandUsageError{Msg: c.Name + ": unknown flag " + name + suggest.DidYouMean(name, flagNames(c.Flags)), Command: c.Name}
		}
		if f.Value != "" && !hasValue {
			i++
		}
	}
	return false, nil
}

func flagNames(flags []flagDef) []string {
	var names []string
	for _, f := range flags {
		names = append(names, f.Name)
		if f.Alias != "" {
			names = append(names, f.Alias)
		}
	}
	return append(names, "--help")
}
