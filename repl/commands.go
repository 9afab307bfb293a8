package repl

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"

	"github.com/azrepl/azrepl/bindings"
	"github.com/azrepl/azrepl/internal/suggest"
)

const dotHelp = `.help [NAME]  list the JS API, or show NAME's help
.load FILE    run a snippet file in this REPL
.save FILE    write the inputs that ran without error as a snippet (replay: azrepl run FILE)
.report FILE  write the session's HTTP exchanges as one HTML page (diagram, decoded tokens, errors)
.exit         leave (so do Ctrl-D and exit(code))
Ctrl-C cancels a running evaluation or clears the line; Tab completes; _ is the last result.`

// dotCommands are the commands of dotHelp, for Tab.
var dotCommands = []string{".help", ".load", ".save", ".report", ".exit"}

// command runs a dot-command; quit reports that the REPL should end.
func (s *session) command(ctx context.Context, line string) (code int, quit bool) {
	name, arg, _ := strings.Cut(line, " ")
	arg = strings.TrimSpace(arg)
	switch name {
	case ".exit":
		return 0, true
	case ".help":
		s.help(arg)
	case ".load":
		if arg == "" {
			fmt.Fprintln(s.errw, ".load FILE: a file name is needed")
			return 0, false
		}
		ectx, done := s.evalContext(ctx)
		_, err := s.rt.RunFile(ectx, arg)
		done()
		if err != nil {
			return s.report(err)
		}
		src, _ := os.ReadFile(arg)
		s.inputs = append(s.inputs, "// .load "+arg+"\n"+strings.TrimRight(string(src), "\n"))
	case ".save":
		if arg == "" {
			fmt.Fprintln(s.errw, ".save FILE: a file name is needed")
			return 0, false
		}
		saved, left, err := s.save(arg)
		if err != nil {
			fmt.Fprintln(s.errw, ".save:", err)
			return 0, false
		}
		fmt.Fprintf(s.errw, "saved %d inputs to %s\n", saved, arg)
		if left > 0 {
			fmt.Fprintf(s.errw, "  %d left out: a secret written inline (a JWT, clientSecret: \"…\"); write env.NAME instead\n", left)
		}
	case ".report":
		if arg == "" {
			fmt.Fprintln(s.errw, ".report FILE: a file name is needed, e.g. .report session.html")
			return 0, false
		}
		// The binding does the work; the file name goes in as a JS string.
		quoted, _ := json.Marshal(arg)
		ectx, done := s.evalContext(ctx)
		v, err := s.rt.Eval(ectx, ".report", "trace.report("+string(quoted)+")")
		done()
		if err != nil {
			return s.report(err)
		}
		fmt.Fprintln(s.errw, v.String())
	default:
		fmt.Fprintf(s.errw, "unknown command %s; try .help\n", name)
	}
	return 0, false
}

func (s *session) help(name string) {
	if name != "" {
		text, ok := bindings.HelpFor(name)
		if !ok {
			fmt.Fprintf(s.errw, "no help for %q%s; .help lists what exists\n", name, suggest.DidYouMean(name, bindings.HelpNames()))
			return
		}
		fmt.Fprintln(s.out, text)
		return
	}
	var b strings.Builder
	b.WriteString("JavaScript API (.help NAME for details):\n")
	for _, bd := range bindings.All() {
		summary, _, _ := strings.Cut(bd.Help, "\n")
		fmt.Fprintf(&b, "  %s\n", summary)
	}
	b.WriteString("\nCommands:\n")
	for _, l := range strings.Split(dotHelp, "\n") {
		b.WriteString("  " + l + "\n")
	}
	fmt.Fprint(s.out, b.String())
}

// inlineSecret is a secret written as a literal: clientSecret: "…",
// password = '…' (env.NAME references are fine).
var inlineSecret = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile("(?i)(secret|password|passwd|refresh_?token|access_?token|device_?code|api_?key)[\"']?\\s*[:=]\\s*[\"'`][^\"'`]{4,}")
})

// save writes the successful inputs. One with a secret written inline (a
// JWT, clientSecret: "…") is left out, with a comment in its place, so it
// never reaches the file and does not stop the others from being saved; the
// file is private (0600) when a kept input still looks secret, since the
// history never has those. It returns how many inputs were written and
// left out.
func (s *session) save(path string) (saved, left int, err error) {
	mode := os.FileMode(0o644)
	text := "// saved by azrepl .save; replay with: azrepl run " + path + "\n"
	for i, in := range s.inputs {
		if jwtPattern.MatchString(in) || inlineSecret().MatchString(in) {
			text += fmt.Sprintf("// input %d left out: it has a secret written inline (write env.NAME instead)\n", i+1)
			left++
			continue
		}
		if looksSecret(in) {
			mode = 0o600
		}
		in = strings.TrimRight(in, "\n")
		// Guard against ASI joining this input to the previous one.
		if strings.ContainsAny(in[:1], "([`+-/") {
			text += ";"
		}
		text += in + "\n"
		saved++
	}
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		return 0, 0, err
	}
	return saved, left, os.Chmod(path, mode)
}
