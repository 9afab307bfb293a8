package cmd

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/azrepl/azrepl/bindings"
	"github.com/azrepl/azrepl/errcode"
	"github.com/azrepl/azrepl/httpx"
	"github.com/azrepl/azrepl/internal/suggest"
	"github.com/azrepl/azrepl/runtime"
)

// A small flag reader for the account commands (login, logout, status,
// api): `--name value`, `--name=value`, a short alias, flags that repeat,
// positional arguments anywhere, `--` ending the flags. A mistyped flag is
// one line with did-you-mean.

// flagSpec is one flag a command takes: its entry of the command table
// (name, alias, value) with what the usage says of it.
type flagSpec struct {
	flagDef
	Repeat bool // may be given more than once (every value is kept)
	Usage  string
}

// defs are the specs as the command table lists them.
func defs(specs []flagSpec) []flagDef {
	out := make([]flagDef, len(specs))
	for i, s := range specs {
		out[i] = s.flagDef
	}
	return out
}

// parsedFlags are the values by flag name; a switch holds "true".
type parsedFlags struct {
	values map[string][]string
	args   []string    // positional arguments
	seq    [][2]string // every flag and its value, in command-line order
}

func (p parsedFlags) get(name string) string {
	vs := p.values[name]
	if len(vs) == 0 {
		return ""
	}
	return vs[len(vs)-1]
}

func (p parsedFlags) has(name string) bool { return len(p.values[name]) > 0 }

// parseFlags reads args against specs; cmdName prefixes the errors.
func parseFlags(cmdName string, specs []flagSpec, args []string) (parsedFlags, error) {
	p := parsedFlags{values: map[string][]string{}}
	byName := map[string]flagSpec{}
	var names []string
	for _, s := range specs {
		byName[s.Name] = s
		names = append(names, s.Name)
		if s.Alias != "" {
			byName[s.Alias] = s
		}
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			p.args = append(p.args, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			p.args = append(p.args, a)
			continue
		}
		name, val, hasVal := strings.Cut(a, "=")
		if name == "-h" || name == "--help" {
			return p, errHelp
		}
		s, ok := byName[name]
		if !ok {
			return p, &UsageError{fmt.Sprintf("%s: unknown flag %s%s", cmdName, name, suggest.DidYouMean(name, names))}
		}
		switch {
		case s.Value == "" && hasVal:
			return p, &UsageError{fmt.Sprintf("%s: %s takes no value", cmdName, s.Name)}
		case s.Value == "":
			val = "true"
		case !hasVal:
			if i+1 >= len(args) {
				return p, &UsageError{fmt.Sprintf("%s: %s needs a value (%s)", cmdName, s.Name, s.Value)}
			}
			i++
			val = args[i]
		}
		if len(p.values[s.Name]) > 0 && !s.Repeat && s.Value != "" {
			return p, &UsageError{fmt.Sprintf("%s: %s given twice", cmdName, s.Name)}
		}
		p.values[s.Name] = append(p.values[s.Name], val)
		p.seq = append(p.seq, [2]string{s.Name, val})
	}
	return p, nil
}

// flagTable is the "Flags:" part of a usage text.
func flagTable(specs []flagSpec) string {
	var b strings.Builder
	for _, s := range specs {
		left := s.Name
		if s.Alias != "" {
			left = s.Alias + ", " + s.Name
		}
		if s.Value != "" {
			left += " " + s.Value
		}
		fmt.Fprintf(&b, "  %-26s %s\n", left, s.Usage)
	}
	return b.String()
}

// flagDef is one flag of a command.
type flagDef struct {
	Name    string   // "--tenant"
	Alias   string   // "-t", or ""
	Value   string   // its value's placeholder; "" for a switch
	Choices []string // the values completions offer
}

// plainFlags: logout and status take -o json only.
var plainFlags = []flagSpec{outputFlag}

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

var outputFlag = flagSpec{flagDef: flagDef{Name: "--output", Alias: "-o", Value: "FORMAT", Choices: []string{"json"}}, Usage: "json: the result as JSON on stdout"}

var errHelp = errors.New("help")

// jsCallName names the one-line program of an account command in error
// positions (commandFail takes the position off).
const jsCallName = "azrepl-api"
