package cmd

// What every command shares: the parsed command line, usage errors, azrepl's
// folder, and whether to colour.

import (
	"context"
	"io"
	"os"
	"os/signal"

	"github.com/azrepl/azrepl/app"
	"github.com/mattn/go-isatty"
)

// Options is the parsed command line.
type Options struct {
	Command  string // "repl", "run", "eval", "emulate", "version", "help"
	Emulator bool
	Debug    bool
	Expr     string   // -e
	Output   string   // -o json|raw, with -e
	Query    string   // --query GJSON_PATH, with -e
	File     string   // run FILE
	Args     []string // run ARGS, or a subcommand's arguments
	Help     bool     // the subcommand's --help
}

// UsageError is a bad command line: one line on stderr, exit 2.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// commandUsageError is a bad command line of a subcommand, whose --help
// the error line points at.
type commandUsageError struct{ Msg, Command string }

func (e *commandUsageError) Error() string { return e.Msg }

// interruptible cancels ctx on Ctrl-C while a script runs.
func interruptible(ctx context.Context) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(ctx, os.Interrupt)
}

// Home is azrepl's own folder: $AZREPL_HOME, else the user config dir + /azrepl.
func Home() (string, error) { return app.Home(os.Getenv) }

// colorOK: color only on a terminal, and never with NO_COLOR or TERM=dumb.
func colorOK(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	return isatty.IsTerminal(f.Fd())
}
