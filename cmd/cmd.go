// Package cmd is azrepl's command line: it parses flags and subcommands and
// wires the packages together; nothing else lives here.
package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/azrepl/azrepl/internal/suggest"
	"github.com/azrepl/azrepl/repl"
	"github.com/azrepl/azrepl/runtime"
)

// Parse reads the command line (without the program name).
func Parse(args []string) (Options, error) {
	o := Options{Command: "repl"}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--emulator":
			o.Emulator = true
		case a == "--debug":
			o.Debug = true
		case a == "-h" || a == "--help" || a == "-help":
			o.Command = "help"
			return o, nil
		case a == "--version" || a == "-version":
			o.Command = "version"
			return o, nil
		case a == "-e" || a == "--eval":
			if i+1 >= len(args) {
				return o, &UsageError{a + " needs an expression"}
			}
			o.Command, o.Expr = "eval", args[i+1]
			i++
		case strings.HasPrefix(a, "-e="), strings.HasPrefix(a, "--eval="):
			_, o.Expr, _ = strings.Cut(a, "=")
			o.Command = "eval"
		case isOutputFlag(a):
			n, err := parseOutputFlag(&o, args, i)
			if err != nil {
				return o, err
			}
			i += n
		case a == "--":
			if i+1 < len(args) {
				return o, &UsageError{fmt.Sprintf("unexpected argument %q", args[i+1])}
			}
		case strings.HasPrefix(a, "-"):
			name, _, _ := strings.Cut(a, "=")
			return o, &UsageError{"unknown flag " + name + suggest.DidYouMean(name, flagNames(globalFlags))}
		default:
			c := lookupCommand(a)
			if c == nil {
				return o, &UsageError{fmt.Sprintf("unknown command %q", a) + suggest.DidYouMean(a, commandNames())}
			}
			rest := args[i+1:]
			help, err := c.checkFlags(rest)
			o.Command, o.Args, o.Help = a, rest, help
			if err == nil {
				err = checkOutputFlags(o)
			}
			if err != nil || help || a != "run" {
				return o, err
			}
			for len(rest) > 0 && (rest[0] == "--emulator" || rest[0] == "--debug") {
				o.Emulator = o.Emulator || rest[0] == "--emulator"
				o.Debug = o.Debug || rest[0] == "--debug"
				rest = rest[1:]
			}
			if len(rest) == 0 {
				return o, &commandUsageError{Msg: "run needs a FILE", Command: "run"}
			}
			o.File, o.Args = rest[0], rest[1:]
			return o, nil
		}
	}
	return o, checkOutputFlags(o)
}

// Main runs azrepl and returns the process exit code.
func Main(args []string, stdin io.ReadCloser, stdout, stderr io.Writer) int {
	if name := shimFor(os.Args[0]); name != "" {
		ctx, cancel := commandContext()
		defer cancel()
		return runShim(ctx, name, args, stdout, stderr)
	}
	o, err := Parse(args)
	if err != nil {
		var ue *commandUsageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "azrepl: %v (azrepl %s --help)\n", err, ue.Command)
		} else {
			fmt.Fprintf(stderr, "azrepl: %v (azrepl --help for usage)\n", err)
		}
		return 2
	}
	ctx := context.Background()
	if o.Command == "help" && len(o.Args) == 0 {
		fmt.Fprint(stdout, overview())
		return 0
	}
	c := lookupCommand(o.Command)
	if c != nil && o.Help {
		fmt.Fprint(stdout, commandHelp(c))
		return 0
	}
	if c != nil && c.LoginsOnly && (o.Emulator || o.Debug) {
		fmt.Fprintf(stderr, "azrepl: %s takes no --emulator or --debug: it serves the logins in AZREPL_HOME (azrepl --help for usage)\n", o.Command)
		return 2
	}
	if c != nil && c.Run != nil {
		return c.Run(ctx, o, stdout, stderr)
	}
	w, err := setup(ctx, o, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "azrepl:", err)
		return 1
	}
	defer w.close()
	rtOpts := runtime.Options{Stdout: stdout, Stderr: stderr, Args: o.Args, Debug: o.Debug, Environ: w.environ(), Setup: w.setupEnv,
		WholeBodies: !isTerminalWriter(stdout)}
	switch o.Command {
	case "run":
		if st, err := os.Stat(o.File); err != nil || st.IsDir() {
			msg := "not a file"
			var pe *fs.PathError
			if errors.As(err, &pe) {
				msg = pe.Err.Error()
			}
			fmt.Fprintf(stderr, "azrepl: %s: %s\n", o.File, msg)
			return 2
		}
		return runScript(ctx, rtOpts, o, stderr)
	case "eval":
		return evalExpr(ctx, rtOpts, o, stdout, stderr)
	}
	home, err := Home()
	if err != nil {
		fmt.Fprintln(stderr, "azrepl:", err)
		return 1
	}
	return repl.Run(ctx, repl.Config{
		Runtime: rtOpts, Home: home, Color: colorOK(stdout), Debug: o.Debug,
		PromptPrefix: w.promptPrefix, Stdin: stdin, Stdout: stdout, Stderr: stderr,
	})
}

func runScript(ctx context.Context, opts runtime.Options, o Options, stderr io.Writer) int {
	if dir := filepath.Dir(o.File); dir != "" {
		opts.Dir = dir
	}
	return withRuntime(ctx, opts, stderr, func(ctx context.Context, rt *runtime.Runtime) int {
		_, err := rt.RunFile(ctx, o.File)
		return report(err, o.Debug, stderr)
	})
}

// withRuntime starts a runtime with opts and runs do in it, under a context
// that Ctrl-C cancels; the runtime is closed when do returns.
func withRuntime(ctx context.Context, opts runtime.Options, stderr io.Writer, do func(context.Context, *runtime.Runtime) int) int {
	rt, err := runtime.New(opts)
	if err != nil {
		fmt.Fprintln(stderr, "azrepl:", err)
		return 1
	}
	defer rt.Close()
	ctx, stop := interruptible(ctx)
	defer stop()
	return do(ctx, rt)
}

// report prints an evaluation's error as one line (with the JS stack under
// --debug) and returns the exit code it stands for; 0 and nothing printed
// for no error.
func report(err error, debug bool, stderr io.Writer) int {
	msg, code := runtime.Describe(err, debug)
	if msg != "" {
		fmt.Fprintln(stderr, msg)
		printHint(stderr, msg, runtime.Hint(err))
	}
	return code
}

func evalExpr(ctx context.Context, opts runtime.Options, o Options, stdout, stderr io.Writer) int {
	return withRuntime(ctx, opts, stderr, func(ctx context.Context, rt *runtime.Runtime) int {
		v, err := rt.Eval(ctx, "-e", o.Expr)
		if err != nil {
			return report(err, o.Debug, stderr)
		}
		if err := printResult(rt, v, o, stdout); err != nil {
			fmt.Fprintln(stderr, "azrepl:", err)
			return 1
		}
		// Timers and requests still pending run to their end, as in a script.
		return report(rt.Wait(ctx), o.Debug, stderr)
	})
}
