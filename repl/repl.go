// Package repl is azrepl's interactive loop: readline, prompt, history,
// completion, multi-line input, printing values, dot-commands and Ctrl-C.
package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"

	"github.com/azrepl/azrepl/internal/version"
	"github.com/azrepl/azrepl/runtime"
	"github.com/chzyer/readline"
	"github.com/dop251/goja"
)

// Prompt is the REPL's prompt; PromptPrefix may put the signed-in account before it.
const Prompt = "azrepl> "

const continuation = "...     "

// Config configures Run.
type Config struct {
	Runtime runtime.Options // Stdout/Stderr are replaced by readline's writers
	Home    string          // AZREPL_HOME: the history file lives there
	Color   bool            // color printed values
	Debug   bool            // JS stacks on errors
	// PromptPrefix, when set, is called before each prompt; e.g. "alice@contoso ".
	PromptPrefix func() string
	// Stdin, Stdout, Stderr default to the process's.
	Stdin          io.ReadCloser
	Stdout, Stderr io.Writer
}

// Run runs the REPL until Ctrl-D, .exit or exit(code), and returns the exit code.
func Run(ctx context.Context, cfg Config) int {
	s, err := newSession(cfg)
	if err != nil {
		fmt.Fprintln(orStderr(cfg.Stderr), "azrepl:", err)
		return 1
	}
	defer s.close()
	fmt.Fprintln(s.errw, welcome())
	return s.loop(ctx)
}

// welcome is the REPL's one line before its first prompt.
func welcome() string {
	return "azrepl " + version.String() + " — .help lists the API, Tab completes, Ctrl-D leaves"
}

type session struct {
	cfg     Config
	rl      *readline.Instance
	rt      *runtime.Runtime
	comp    *completer
	hist    *history
	out     io.Writer
	errw    io.Writer
	inputs  []string // inputs that ran without error, for .save
	sigs    chan os.Signal
	mu      sync.Mutex
	cancel  context.CancelFunc // of the running evaluation, nil at the prompt
	sigDone chan struct{}
}

func orStderr(w io.Writer) io.Writer {
	if w == nil {
		return os.Stderr
	}
	return w
}

// fdWriter is readline's stderr (which keeps the prompt whole) with the file
// descriptor of the terminal under it, so that code asking whether stderr
// is a terminal (paging progress) gets the terminal's answer.
type fdWriter struct {
	io.Writer
	fd uintptr
}

func (w fdWriter) Fd() uintptr { return w.fd }

// withFdOf is w with the file descriptor of under, when under has one.
func withFdOf(w, under io.Writer) io.Writer {
	if f, ok := under.(interface{ Fd() uintptr }); ok {
		return fdWriter{w, f.Fd()}
	}
	return w
}

func newSession(cfg Config) (*session, error) {
	hist, saved, err := openHistory(cfg.Home)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	s := &session{cfg: cfg, hist: hist}
	comp := &completer{}
	rl, err := readline.NewEx(&readline.Config{
		Prompt:                 Prompt,
		AutoComplete:           comp,
		HistoryLimit:           historyLimit,
		DisableAutoSaveHistory: true, // we decide what is remembered (no secrets)
		HistorySearchFold:      true,
		InterruptPrompt:        "^C",
		Stdin:                  cfg.Stdin,
		Stdout:                 cfg.Stdout,
		Stderr:                 cfg.Stderr,
	})
	if err != nil {
		return nil, err
	}
	s.rl = rl
	for _, l := range saved {
		_ = rl.SaveHistory(l)
	}
	s.out, s.errw = rl.Stdout(), withFdOf(rl.Stderr(), cfg.Stderr)
	opts := cfg.Runtime
	opts.Stdout, opts.Stderr = s.out, s.errw
	opts.Background = true // a setTimeout typed at the prompt fires while it waits
	s.rt, err = runtime.New(opts)
	if err != nil {
		rl.Close()
		return nil, err
	}
	comp.rt = s.rt
	s.comp = comp
	s.catchInterrupts()
	return s, nil
}

// catchInterrupts turns SIGINT into cancelling the running evaluation. At
// the prompt the terminal is raw and readline sees Ctrl-C itself; between
// the two the signal is ignored rather than killing the REPL.
func (s *session) catchInterrupts() {
	s.sigs = make(chan os.Signal, 1)
	s.sigDone = make(chan struct{})
	signal.Notify(s.sigs, os.Interrupt)
	go func() {
		for {
			select {
			case <-s.sigs:
				s.mu.Lock()
				if s.cancel != nil {
					s.cancel()
				}
				s.mu.Unlock()
			case <-s.sigDone:
				return
			}
		}
	}()
}

func (s *session) close() {
	signal.Stop(s.sigs)
	close(s.sigDone)
	s.rt.Close()
	s.rl.Close()
}

func (s *session) prompt(cont bool) string {
	if cont {
		return continuation
	}
	if s.cfg.PromptPrefix != nil {
		return s.cfg.PromptPrefix() + Prompt
	}
	return Prompt
}

func (s *session) loop(ctx context.Context) int {
	var pending []string
	for {
		s.rl.SetPrompt(s.prompt(len(pending) > 0))
		line, err := s.rl.Readline()
		switch {
		case errors.Is(err, readline.ErrInterrupt):
			if len(pending) == 0 && line == "" {
				fmt.Fprintln(s.errw, "(To exit, press Ctrl-D or type .exit)")
			}
			pending = nil
			continue
		case err != nil: // io.EOF: Ctrl-D on an empty line
			return 0
		}
		if len(pending) == 0 && strings.HasPrefix(strings.TrimSpace(line), ".") {
			if code, quit := s.command(ctx, strings.TrimSpace(line)); quit {
				return code
			}
			continue
		}
		pending = append(pending, line)
		src := strings.Join(pending, "\n")
		if strings.TrimSpace(src) == "" {
			pending = nil
			continue
		}
		src, cerr := prepare(src)
		if runtime.IsIncomplete(cerr) {
			continue
		}
		lines := pending
		pending = nil
		if keepInHistory(lines) {
			for _, l := range lines {
				_ = s.rl.SaveHistory(l)
			}
			if err := s.hist.append(lines); err != nil {
				fmt.Fprintln(s.errw, "azrepl: history:", err)
			}
		}
		if code, quit := s.eval(ctx, src); quit {
			return code
		}
	}
}

// prepare compiles src to tell complete input from incomplete input. Input
// that starts with "{" is tried as an expression first, so `{a: 1}` is an
// object, not a block.
func prepare(src string) (string, error) {
	if t := strings.TrimSpace(src); strings.HasPrefix(t, "{") && !strings.HasSuffix(t, ";") {
		if _, err := runtime.Compile("<repl>", "("+src+"\n)"); err == nil {
			return "(" + src + "\n)", nil
		}
	}
	_, err := runtime.Compile("<repl>", src)
	return src, err
}

// evalContext returns a context cancelled by Ctrl-C while the evaluation runs.
func (s *session) evalContext(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancel(ctx)
	s.mu.Lock()
	s.cancel = cancel
	s.mu.Unlock()
	return ctx, func() {
		s.mu.Lock()
		s.cancel = nil
		s.mu.Unlock()
		cancel()
	}
}

// eval runs one input and prints its value; quit is set by exit(code).
func (s *session) eval(ctx context.Context, src string) (code int, quit bool) {
	ectx, done := s.evalContext(ctx)
	v, err := s.rt.Eval(ectx, "<repl>", src)
	done()
	if err != nil {
		return s.report(err)
	}
	s.inputs = append(s.inputs, src)
	s.comp.remember(src)
	var text string
	s.rt.Do(func(vm *goja.Runtime) {
		_ = vm.Set("_", v)
		text = runtime.FormatREPL(vm, v, s.cfg.Color)
	})
	fmt.Fprintln(s.out, text)
	return 0, false
}

// report prints an evaluation error; exit(code) ends the REPL.
func (s *session) report(err error) (int, bool) {
	var exit *runtime.ExitError
	if errors.As(err, &exit) {
		return exit.Code, true
	}
	msg, _ := runtime.Describe(err, s.cfg.Debug)
	fmt.Fprintln(s.errw, msg)
	if hint := runtime.Hint(err); hint != "" {
		fmt.Fprintln(s.errw, "  hint: "+hint)
	}
	return 0, false
}
