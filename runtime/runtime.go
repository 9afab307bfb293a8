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

	"github.com/azrepl/azrepl/bindings"
	"github.com/dop251/goja"
)

// Options configure a Runtime.
type Options struct {
	Stdout, Stderr io.Writer // default os.Stdout / os.Stderr
	Args           []string  // the `args` global
	Environ        []string  // the `env` global; default os.Environ()
	Dir            string    // folder that require() resolves against outside a file (REPL, -e); default cwd
	Debug          bool
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
	gopd    goja.Callable // the builtin Object.getOwnPropertyDescriptor, for OwnData
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
		vm:    goja.New(),
		env:   &bindings.Env{Stdout: opts.Stdout, Stderr: opts.Stderr, Debug: opts.Debug, Args: opts.Args},
		queue: make(chan func()),
		quit:  make(chan struct{}),
	}
	r.vm.SetFieldNameMapper(goja.TagFieldNameMapper("json", true))
	r.gopd, _ = goja.AssertFunction(r.vm.Get("Object").ToObject(r.vm).Get("getOwnPropertyDescriptor"))
	r.mods = newModules(r, dir)
	if opts.Setup != nil {
		if err := opts.Setup(r.env); err != nil {
			return nil, err
		}
	}
	if err := r.installGlobals(opts); err != nil {
		return nil, err
	}
	if err := bindings.InstallAll(r.env, r.vm); err != nil {
		return nil, err
	}
	go r.loop()
	return r, nil
}

func (r *Runtime) loop() {
	for {
		select {
		case f := <-r.queue:
			f()
		case <-r.quit:
			return
		}
	}
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
func (r *Runtime) Eval(ctx context.Context, name, src string) (goja.Value, error) {
	prg, err := Compile(name, src)
	if err != nil {
		return nil, err
	}
	var v goja.Value
	r.Do(func(*goja.Runtime) { v, err = r.run(ctx, prg) })
	return v, err
}

// run executes prg on the runtime goroutine with ctx as the binding context.
func (r *Runtime) run(ctx context.Context, prg *goja.Program) (goja.Value, error) {
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
	v, err := r.vm.RunProgram(prg)
	mu.Lock()
	finished = true
	mu.Unlock()
	stop()
	r.vm.ClearInterrupt()

	var ie *goja.InterruptedError
	if errors.As(err, &ie) {
		if exit, ok := ie.Value().(*ExitError); ok {
			return nil, exit
		}
		return nil, ErrInterrupted
	}
	if ctx.Err() != nil {
		// Cancelled while running: even if the script caught the Go error,
		// the user asked to stop, and the result is not worth showing.
		return nil, ErrInterrupted
	}
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
	prg, err := Compile(path, stripShebang(string(src)))
	if err != nil {
		return nil, err
	}
	var v goja.Value
	r.Do(func(vm *goja.Runtime) {
		dir := filepath.Dir(abs)
		r.mods.addRoot(dir)
		prev := vm.Get("require")
		_ = vm.Set("require", r.mods.requireFunc(dir, false))
		defer func() { _ = vm.Set("require", prev) }()
		v, err = r.run(ctx, prg)
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
