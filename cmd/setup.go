package cmd

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/azrepl/azrepl/app"
	"github.com/azrepl/azrepl/bindings"
)

// wiring is what the command line builds before a runtime exists: later the
// in-process emulator (--emulator), the one HTTP client with its --debug
// trace, and the auth session. Each goes into the bindings' Env in setupEnv.
type wiring struct {
	opts Options
	svc  *app.Services // HTTP client, auth session, emulator (app.Setup)
	env  *bindings.Env // set once the runtime exists
	// closers run at exit, in reverse order (e.g. stopping the emulator).
	closers []func()
}

// setup prepares the wiring for o. This is the one place where --emulator
// and --debug take effect: app.Setup starts the in-process emulator and
// points the HTTP client at it, and gives the client a --debug trace on
// stderr.
func setup(ctx context.Context, o Options, stderr io.Writer) (*wiring, error) {
	svc, err := app.Setup(ctx, app.Options{Emulator: o.Emulator, Debug: o.Debug, Stderr: stderr})
	if err != nil {
		return nil, err
	}
	if o.Emulator {
		removeOnSignal(svc)
	}
	return &wiring{opts: o, svc: svc, closers: []func(){svc.Close}}, nil
}

// removeOnSignal: with --emulator, AZREPL_HOME is a temp folder whose
// tokens.json holds refresh tokens; SIGTERM and SIGHUP (a closed terminal)
// would otherwise end the process before it is removed.
func removeOnSignal(svc *app.Services) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		sig := <-ch
		svc.Close()
		code := 128 + 15
		if s, ok := sig.(syscall.Signal); ok {
			code = 128 + int(s)
		}
		os.Exit(code)
	}()
}

// environ is the script's env: the process environment plus, with
// --emulator, the emulator's AZURE_* and DATABRICKS_* defaults.
func (w *wiring) environ() []string { return w.svc.Environ }

// setupEnv fills the bindings' Env before the bindings are installed.
func (w *wiring) setupEnv(env *bindings.Env) error {
	env.Debug = w.opts.Debug
	w.env = env
	return w.svc.Install(env)
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
