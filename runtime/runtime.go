// Package runtime owns the goja runtime of one REPL or script: creation, the
// built-in globals (console, require, args, env, exit), evaluation with a
// per-evaluation context, interrupts, and readable errors with file:line:col.
package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/azrepl/azrepl/bindings"
	"github.com/azrepl/azrepl/jsweb"
	"github.com/dop251/goja"
)

// Options configure a Runtime.
type Options struct {
	Stdout, Stderr io.Writer // default os.Stdout / os.Stderr
	Args           []string  // the `args` global
	Environ        []string  // the `env` global; default os.Environ()
	Dir            string    // folder that require() resolves against outside a file (REPL, -e); default cwd
	Debug          bool
	// WholeBodies: console.log of a lone Response prints its body alone and
	// whole (stdout is a pipe or a file), not the terminal's summary.
	WholeBodies bool
	// Background: timers and completions run between evaluations too (the
	// REPL); otherwise only while an evaluation or Wait drives the loop.
	Background bool
	// Setup runs before the bindings are installed: the place where the
	// command line adds the HTTP client, auth session… to the Env.
	Setup func(env *bindings.Env) error
}

// Runtime is one goja runtime driven by one goroutine. Every use of the
// goja.Runtime or of goja values goes through Do (or Eval/RunFile, which use
// it), so other goroutines — the REPL's completer — stay safe.
type Runtime struct {
	vm      *goja.Runtime
	env     *bindings.Env
	queue   chan func()
	quit    chan struct{}
	closing sync.Once
	mods    *modules
	gopd    goja.Callable       // the builtin Object.getOwnPropertyDescriptor, for OwnData
	sources map[string][]string // script name → the texts last compiled under it, for memberMeant
	ev      *eventLoop
	stderr  io.Writer
	bg      bool

	thunk     func()        // what invoke runs: Go code that may resolve Promises
	invoke    goja.Callable // runs thunk as a call into goja, so Promise jobs run after it
	rethrowFn goja.Callable // throws its argument: a rejection reason as an exception
}

// New creates a runtime with every binding installed.
func New(opts Options) (*Runtime, error) {
	if opts.Stdout == nil {
		opts.Stdout = os.Stdout
	}
	if opts.Stderr == nil {
		opts.Stderr = os.Stderr
	}
	if opts.Environ == nil {
		opts.Environ = os.Environ()
	}
	if opts.Dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		opts.Dir = wd
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, err
	}
	r := &Runtime{
		vm:      goja.New(),
		env:     &bindings.Env{Stdout: opts.Stdout, Stderr: opts.Stderr, Debug: opts.Debug, Args: opts.Args},
		queue:   make(chan func()),
		quit:    make(chan struct{}),
		ev:      newEventLoop(),
		sources: map[string][]string{},
		stderr:  opts.Stderr,
		bg:      opts.Background,
	}
	r.vm.SetFieldNameMapper(goja.TagFieldNameMapper("json", true))
	r.gopd, _ = goja.AssertFunction(r.vm.Get("Object").ToObject(r.vm).Get("getOwnPropertyDescriptor"))
	r.vm.SetPromiseRejectionTracker(func(p *goja.Promise, op goja.PromiseRejectionOperation) {
		r.ev.trackRejection(p, op, func() string { return bindings.CallSite(r.vm) })
	})
	r.invoke, _ = goja.AssertFunction(r.vm.ToValue(func(goja.FunctionCall) goja.Value {
		t := r.thunk
		r.thunk = nil
		t()
		return goja.Undefined()
	}))
	r.rethrowFn, _ = goja.AssertFunction(r.vm.ToValue(func(call goja.FunctionCall) goja.Value { panic(call.Argument(0)) }))
	r.env.Start = r.start
	r.env.FileRoots = func() []string { return append([]string(nil), r.mods.roots...) }
	r.mods = newModules(r, dir)
	r.mods.environ = opts.Environ
	if opts.Setup != nil {
		if err := opts.Setup(r.env); err != nil {
			return nil, err
		}
	}
	if err := r.installGlobals(opts); err != nil {
		return nil, err
	}
	if err := limitJSONParse(r.vm); err != nil {
		return nil, err
	}
	if err := r.installTimers(); err != nil {
		return nil, err
	}
	if err := jsweb.Install(r.vm); err != nil {
		return nil, err
	}
	if err := r.installAbort(); err != nil {
		return nil, err
	}
	if err := bindings.InstallAll(r.env, r.vm); err != nil {
		return nil, err
	}
	go r.loop()
	return r, nil
}

// loop is the runtime goroutine: it runs Do's functions and, between
// evaluations, the event loop's timers and completions (a setTimeout typed
// in the REPL fires while the prompt waits). An error there is printed.
func (r *Runtime) loop() {
	wake := time.NewTimer(time.Hour)
	defer wake.Stop()
	for {
		var tc <-chan time.Time
		var posted <-chan func()
		if r.bg {
			posted = r.ev.posted
			if len(r.ev.timers) > 0 {
				wake.Reset(time.Until(r.ev.timers[0].when))
				tc = wake.C
			}
		}
		var err error
		select {
		case f := <-r.queue:
			f()
			continue
		case f := <-posted:
			err = r.callGo(f)
		case <-tc:
			err = r.fireDue()
		case <-r.quit:
			r.ev.cancelAll()
			return
		}
		if err == nil {
			err = r.takeRejection(nil)
		}
		r.background(err)
	}
}

// background reports an error of a timer or completion that ran between
// evaluations.
func (r *Runtime) background(err error) {
	var ie *goja.InterruptedError
	if err == nil || errors.As(err, &ie) {
		return
	}
	msg, _ := Describe(err, r.env.Debug)
	fmt.Fprintln(r.stderr, "uncaught (async): "+msg)
}

// callGo runs f (Go code that settles Promises) so that the Promise jobs
// it queued run after it, as after any call into JS.
func (r *Runtime) callGo(f func()) error {
	r.thunk = f
	_, err := r.invoke(goja.Undefined())
	return err
}

// rethrow throws reason as an exception: the error an uncaught throw of it is.
func (r *Runtime) rethrow(_ goja.Value, reason goja.Value) (goja.Value, error) {
	return r.rethrowFn(goja.Undefined(), reason)
}

// Do runs f on the runtime's goroutine and waits for it. It must not be
// called from that goroutine (from a binding): that would deadlock.
// After Close, f does not run. A JS exception that escapes f (a getter or
// Proxy trap that throws while Go reads a value) ends f, not the process:
// it is reported on stderr as one line.
func (r *Runtime) Do(f func(vm *goja.Runtime)) {
	done := make(chan struct{})
	run := func() {
		defer close(done)
		defer func() {
			if p := recover(); p != nil {
				fmt.Fprintf(r.env.Stderr, "azrepl: %s\n", thrownText(p))
			}
		}()
		f(r.vm)
	}
	select {
	case r.queue <- run:
		<-done
	case <-r.quit:
	}
}

// Env is the environment shared with the bindings.
func (r *Runtime) Env() *bindings.Env { return r.env }

// Close stops the runtime's goroutine.
func (r *Runtime) Close() { r.closing.Do(func() { close(r.quit) }) }

// interruptCause is the value passed to goja's Interrupt on cancellation.
type interruptCause struct{}

// Eval compiles and runs src as a script named name (used in positions).
// ctx is the evaluation's context: cancelling it interrupts the JS and
// cancels Go work in flight; Eval then returns ErrInterrupted, and the
// runtime is usable again.
//
// A Promise value (top-level await, an async call) is waited for: Eval
// returns what it resolves to, or its rejection as the error. Timers that
// are still pending keep running after Eval returns (the REPL).
func (r *Runtime) Eval(ctx context.Context, name, src string) (goja.Value, error) {
	return r.eval(ctx, name, src, false)
}

// Wait runs the event loop until no timer or request is pending: what a
// one-off script (-e) does after its value is printed. A Promise rejected
// with no handler, or a timer's callback that throws, is its error.
func (r *Runtime) Wait(ctx context.Context) error {
	var err error
	r.Do(func(*goja.Runtime) { _, err = r.run(ctx, nil, true) })
	return err
}

func (r *Runtime) eval(ctx context.Context, name, src string, all bool) (goja.Value, error) {
	prg, text, err := compile(name, src, true)
	if err != nil {
		return nil, err
	}
	var v goja.Value
	r.Do(func(*goja.Runtime) {
		r.remember(name, text)
		v, err = r.run(ctx, prg, all)
	})
	return v, err
}

// run executes prg on the runtime goroutine with ctx as the binding context,
// then drives the event loop: until its value settles, and with all until
// nothing is pending either.
func (r *Runtime) run(ctx context.Context, prg *goja.Program, all bool) (goja.Value, error) {
	if ctx.Err() != nil {
		return nil, ErrInterrupted
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	r.env.SetContext(ctx)
	defer r.env.SetContext(context.Background())

	// finished guards against an Interrupt that lands after RunProgram
	// returned: ClearInterrupt below must be the last word.
	var mu sync.Mutex
	finished := false
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		if !finished {
			r.vm.Interrupt(interruptCause{})
		}
	})
	v, err := goja.Value(goja.Undefined()), error(nil)
	if prg != nil {
		v, err = r.vm.RunProgram(prg)
	}
	if err == nil {
		v, err = r.settle(ctx, v, all)
	}
	mu.Lock()
	finished = true
	mu.Unlock()
	stop()
	r.vm.ClearInterrupt()

	var ie *goja.InterruptedError
	if errors.As(err, &ie) {
		r.ev.cancelAll()
		if exit, ok := ie.Value().(*ExitError); ok {
			return nil, exit
		}
		return nil, ErrInterrupted
	}
	if ctx.Err() != nil {
		r.ev.cancelAll()
		// Cancelled while running: even if the script caught the Go error,
		// the user asked to stop, and the result is not worth showing.
		return nil, ErrInterrupted
	}
	r.addSuggestion(err)
	return v, err
}

// RunFile runs a script file; require() inside it resolves relative to the
// file and is confined to the file's folder tree (and the bundled scripts).
func (r *Runtime) RunFile(ctx context.Context, path string) (goja.Value, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, &FileError{Path: path, Err: err}
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, &FileError{Path: path, Err: err}
	}
	prg, text, err := compile(path, stripShebang(string(src)), true)
	if err != nil {
		return nil, err
	}
	var v goja.Value
	r.Do(func(vm *goja.Runtime) {
		r.remember(path, text)
		dir := filepath.Dir(abs)
		r.mods.addRoot(dir)
		prev := vm.Get("require")
		_ = vm.Set("require", r.mods.requireFunc(dir, false))
		defer func() { _ = vm.Set("require", prev) }()
		v, err = r.run(ctx, prg, true)
	})
	return v, err
}

// stripShebang keeps `#!/usr/bin/env azrepl run` scripts valid JS without
// moving line numbers.
func stripShebang(src string) string {
	if len(src) > 1 && src[0] == '#' && src[1] == '!' {
		return "//" + src[2:]
	}
	return src
}
