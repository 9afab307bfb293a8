// Package bindings is the JavaScript API of azrepl. Each area (q, jwt, and
// later auth, http, graph…) lives in its own small file that calls Register
// from an init function; the runtime installs every registered binding into
// each new goja runtime, and the REPL's .help lists them.
package bindings

import (
	"context"
	"io"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/azrepl/azrepl/auth"
	"github.com/azrepl/azrepl/httpx"
	"github.com/azrepl/azrepl/jsweb"
	"github.com/dop251/goja"
)

// Binding is one global of the JS API.
type Binding struct {
	Name string // the global's name, e.g. "q"
	// Help is shown by `.help NAME`; its first line is the summary in `.help`.
	Help string
	// Also are other globals this help covers (setInterval under setTimeout).
	Also []string
	// Install defines the global on rt. It runs on the runtime's goroutine.
	// Nil for globals the runtime defines itself (console, require…): they are
	// registered only for their help text.
	Install func(env *Env, rt *goja.Runtime) error
	// Value, for a binding that defines only its own global, builds that
	// global's value instead of Install: InstallAll makes the global lazy
	// (jsweb.DefineLazy), so a run pays only for the bindings it touches.
	// An error is thrown to the script that first touched it.
	Value func(env *Env, rt *goja.Runtime) (goja.Value, error)
}

// Env is what bindings may use from their host. It is a struct so that new
// areas can add fields (HTTP client, auth session…) without changing the
// Install signature.
type Env struct {
	Stdout io.Writer // data; in the REPL this is readline's writer
	Stderr io.Writer // diagnostics
	Debug  bool      // --debug: traces and JS stacks
	Args   []string  // the script's arguments

	HTTP *httpx.Client // the one HTTP client (traced, redacted); nil in offline tests
	Auth *auth.Session // logins and the token cache; nil in offline tests
	// Prompt, when set by a binding, is what the REPL shows before "> "
	// (e.g. the signed-in account).
	Prompt func() string

	// Start runs work on its own goroutine, with a context that Ctrl-C
	// cancels; the func work returns then runs on the runtime goroutine,
	// where it may settle a Promise. Set by the runtime; call it only from
	// the runtime goroutine (a binding called by JS).
	Start func(work func(ctx context.Context) (then func()))

	// FileRoots are the folders fs.* may reach besides the working folder:
	// the script's folder tree. Set by the runtime.
	FileRoots func() []string

	// Emulator is the in-process emulator of --emulator (the emulator
	// global); nil otherwise.
	Emulator EmulatorControl

	ctx atomic.Pointer[context.Context]
}

// Context is the current evaluation's context: it is cancelled when the user
// presses Ctrl-C, so every blocking Go call made by a binding must use it.
func (e *Env) Context() context.Context {
	if p := e.ctx.Load(); p != nil {
		return *p
	}
	return context.Background()
}

// SetContext is called by the runtime around each evaluation.
func (e *Env) SetContext(ctx context.Context) { e.ctx.Store(&ctx) }

var (
	registryMu sync.Mutex
	registry   = map[string]Binding{}
)

// Register adds a binding; called from init functions. A duplicate name is a
// programming error and panics at start-up.
func Register(b Binding) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[b.Name]; dup {
		panic("bindings: duplicate binding " + b.Name)
	}
	registry[b.Name] = b
}

// All returns every registered binding sorted by name.
func All() []Binding {
	registryMu.Lock()
	defer registryMu.Unlock()
	out := make([]Binding, 0, len(registry))
	for _, b := range registry {
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Lookup returns the binding called name.
func Lookup(name string) (Binding, bool) {
	registryMu.Lock()
	defer registryMu.Unlock()
	b, ok := registry[name]
	return b, ok
}

// InstallAll installs every registered binding: those with a Value as lazy
// globals, those with an Install func at once.
func InstallAll(env *Env, rt *goja.Runtime) error {
	for _, b := range All() {
		var err error
		switch {
		case b.Value != nil:
			err = jsweb.DefineLazy(rt, rt.GlobalObject(), b.Name, true, func() goja.Value {
				v, err := b.Value(env, rt)
				if err != nil {
					Throw(rt, err)
				}
				return v
			})
		case b.Install != nil:
			err = b.Install(env, rt)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
