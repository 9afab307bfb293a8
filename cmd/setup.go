package cmd

import (
	"context"

	"github.com/azrepl/azrepl/bindings"
)

// wiring is what the command line builds before a runtime exists: later the
// in-process emulator (--emulator), the one HTTP client with its --debug
// trace, and the auth session. Each goes into the bindings' Env in setupEnv.
type wiring struct {
	opts Options
	env  *bindings.Env // set once the runtime exists
	// closers run at exit, in reverse order (e.g. stopping the emulator).
	closers []func()
}

// setup prepares the wiring for o. This is the one place where --emulator
// and --debug take effect:
//   - --emulator: start emulator.Start(ctx, emulator.Config{Listen: "127.0.0.1:0"})
//     here and give its CertPool/ProxyURL to the HTTP client (to be wired
//     once the HTTP bindings exist).
//   - --debug: the HTTP client's Debug writer is os.Stderr; JS stacks are
//     already printed (runtime.Describe).
func setup(ctx context.Context, o Options) (*wiring, error) {
	_ = ctx
	return &wiring{opts: o}, nil
}

// setupEnv fills the bindings' Env before the bindings are installed.
func (w *wiring) setupEnv(env *bindings.Env) error {
	env.Debug = w.opts.Debug
	w.env = env
	return nil
}

// promptPrefix is shown before "azrepl> ": what a binding put in
// Env.Prompt (the signed-in account), if anything.
func (w *wiring) promptPrefix() string {
	if w.env == nil || w.env.Prompt == nil {
		return ""
	}
	if p := w.env.Prompt(); p != "" {
		return p + " "
	}
	return ""
}

func (w *wiring) close() {
	for i := len(w.closers) - 1; i >= 0; i-- {
		w.closers[i]()
	}
}
