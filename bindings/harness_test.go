package bindings_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/app"
	"github.com/azrepl/azrepl/auth"
	"github.com/azrepl/azrepl/bindings"
	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/emulatortest"
	"github.com/azrepl/azrepl/httpx"
	"github.com/azrepl/azrepl/internal/testenv"
	"github.com/azrepl/azrepl/runtime"
	"github.com/dop251/goja"
)

// harness is the one test bed of the bindings: a runtime with every binding,
// a fresh home, and by default an in-process emulator (real TLS on loopback,
// reached through its proxy) behind one httpx client whose tokens come from
// an auth session. Options say what a test needs differently.
type harness struct {
	t       *testing.T
	rt      *runtime.Runtime
	http    *httpx.Client
	session *auth.Session      // nil offline
	world   *emulator.World    // nil offline
	em      *emulator.Emulator // nil offline
	svc     *app.Services      // set by commandLine()
	server  *httptest.Server   // set by serving()
	stdout  *testenv.Buffer    // the runtime's console output
	stderr  *testenv.Buffer    // the runtime's and the session's diagnostics
	home    string             // HOME; AZREPL_HOME is home/.azrepl
	env     map[string]string  // the script's env and the session's getenv
	emu     emulator.Config    // with the emulator: its settings
	mode    harnessMode
	dir     string // the runtime's folder ("" = a temp dir)
	handler http.Handler
}

type harnessMode int

const (
	modeEmulator    harnessMode = iota // own wiring: one client trusting the emulator, tokens from a session
	modeCommandLine                    // app.Setup, as `azrepl --emulator` builds it
	modeOffline                        // no emulator, no session
)

type harnessOption func(*harness)

// emulated sets the emulator's settings (groups, faults, latency, log…);
// its listeners are always on 127.0.0.1.
func emulated(cfg emulator.Config) harnessOption { return func(h *harness) { h.emu = cfg } }

// commandLine builds the services with app.Setup exactly as `azrepl
// --emulator` does: the emulator's defaults in env, the device-code prompt,
// the world's secrets masked in the trace; device codes are approved after
// 50 ms unless emulated() says otherwise. Without it the wiring is minimal
// so that a test sees what the bindings redact by themselves.
func commandLine() harnessOption { return func(h *harness) { h.mode = modeCommandLine } }

// offline: no emulator and no session; the client refuses to send anything.
func offline() harnessOption { return func(h *harness) { h.mode = modeOffline } }

// serving: offline, with a client that trusts an httptest TLS server
// running handler (h.server) and reaches it directly.
func serving(handler http.Handler) harnessOption {
	return func(h *harness) { h.mode, h.handler = modeOffline, handler }
}

// readerHarness is newHarness signed in as reader-app, the seeded app that
// reads the directory and is Reader of the subscription.
func readerHarness(t *testing.T, opts ...harnessOption) *harness {
	t.Helper()
	h := newHarness(t, opts...)
	h.loginApp("reader-app")
	return h
}

// inDir sets the runtime's folder (where require and fs start).
func inDir(dir string) harnessOption { return func(h *harness) { h.dir = dir } }

func newHarness(t *testing.T, opts ...harnessOption) *harness {
	t.Helper()
	h := &harness{t: t, stdout: &testenv.Buffer{}, stderr: &testenv.Buffer{}, home: t.TempDir()}
	for _, o := range opts {
		o(h)
	}
	if h.dir == "" {
		h.dir = t.TempDir()
	}
	azreplHome := filepath.Join(h.home, ".azrepl")
	if err := os.MkdirAll(azreplHome, 0o700); err != nil {
		t.Fatal(err)
	}
	h.env = map[string]string{"HOME": h.home, "AZREPL_HOME": azreplHome}
	var setup func(*bindings.Env) error
	switch h.mode {
	case modeEmulator:
		setup = h.wireEmulator(azreplHome)
	case modeCommandLine:
		setup = h.wireCommandLine(azreplHome)
	case modeOffline:
		setup = h.wireOffline()
	}
	environ := h.environ()
	if h.svc != nil {
		environ = h.svc.Environ
	}
	rt, err := runtime.New(runtime.Options{Stdout: h.stdout, Stderr: h.stderr, Dir: h.dir, Environ: environ, Setup: setup})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rt.Close)
	h.rt = rt
	return h
}

func (h *harness) wireEmulator(azreplHome string) func(*bindings.Env) error {
	t := h.t
	em := emulatortest.Start(t, h.emu)
	h.em, h.world = em, em.World()
	h.env["DATABRICKS_HOST"] = h.world.Databricks.Host
	proxy := em.ProxyURL()
	h.http = httpx.New(httpx.Options{RootCAs: em.CertPool(), Proxy: func(*http.Request) (*url.URL, error) { return proxy, nil }})
	var err error
	h.session, err = auth.NewSession(auth.Config{HTTP: h.http.HTTPClient(), Home: azreplHome, Prompt: h.stderr,
		Getenv: func(k string) string { return h.env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	app.UseSessionTokens(h.http, h.session)
	return func(e *bindings.Env) error { e.HTTP, e.Auth = h.http, h.session; return nil }
}

func (h *harness) wireCommandLine(azreplHome string) func(*bindings.Env) error {
	t := h.t
	// app.Setup starts its own emulator; of the settings it takes only the
	// approval delay and the token lifetime.
	rest := h.emu
	rest.ApproveAfter, rest.TokenLifetime = 0, 0
	if rest != (emulator.Config{}) {
		t.Fatal("harness: commandLine() takes no emulator settings but ApproveAfter and TokenLifetime")
	}
	approveAfter := h.emu.ApproveAfter
	if approveAfter == 0 {
		approveAfter = 50 * time.Millisecond
	}
	svc, err := app.Setup(context.Background(), app.Options{Emulator: true, Home: azreplHome, Stderr: h.stderr,
		Environ: h.environ(), ApproveAfter: approveAfter, TokenLifetime: h.emu.TokenLifetime})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.Close)
	h.svc, h.http, h.session, h.em, h.world = svc, svc.HTTP, svc.Auth, svc.Emulator, svc.Emulator.World()
	return svc.Install
}

func (h *harness) wireOffline() func(*bindings.Env) error {
	if h.handler != nil {
		h.server = httptest.NewTLSServer(h.handler)
		h.t.Cleanup(h.server.Close)
		pool := h.server.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
		h.http = httpx.New(httpx.Options{RootCAs: pool, Proxy: func(*http.Request) (*url.URL, error) { return nil, nil }})
	} else {
		h.http = httpx.New(httpx.Options{Proxy: func(*http.Request) (*url.URL, error) {
			return nil, errors.New("the offline test harness sends nothing")
		}})
	}
	return func(e *bindings.Env) error { e.HTTP = h.http; return nil }
}

// environ is h.env as KEY=value lines, sorted.
func (h *harness) environ() []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(h.env)) {
		out = append(out, k+"="+h.env[k])
	}
	return out
}

// run evaluates src (statements; it may await at the top level) and
// returns its value as text.
func (h *harness) run(src string) string {
	h.t.Helper()
	v, err := h.rt.Eval(context.Background(), "t", src)
	if err != nil {
		msg, _ := runtime.Describe(err, false)
		h.t.Fatalf("%s: %s", src, msg)
	}
	var s string
	h.rt.Do(func(*goja.Runtime) { s = v.String() })
	return s
}

// js evaluates the expression src and returns JSON.stringify of its value
// ("undefined" for undefined).
func (h *harness) js(src string) string {
	h.t.Helper()
	return h.run("(function(){ const v = (" + src + "); return v === undefined ? 'undefined' : JSON.stringify(v) })()")
}

// value evaluates the expression src and returns its value as Go data
// through JSON.
func (h *harness) value(src string) map[string]any {
	h.t.Helper()
	s := h.js(src)
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		h.t.Fatalf("%s: %v (%s)", src, err, s)
	}
	return m
}

// jsErr evaluates src, which should throw, and returns the thrown error's
// fields as JSON ("no error" when nothing was thrown).
func (h *harness) jsErr(src string) string {
	h.t.Helper()
	return h.js("(function(){ try { " + src + "; return 'no error' } catch (e) { return {name: e.name, message: e.message, code: e.code, " +
		"serviceCode: e.serviceCode, status: e.status, aadsts: e.aadsts, hint: e.hint, exitCode: e.exitCode} } })()")
}

// thrown evaluates src, which must throw, and returns the error's fields.
func (h *harness) thrown(src string) map[string]any {
	h.t.Helper()
	got := h.jsErr(src)
	var m map[string]any
	if err := json.Unmarshal([]byte(got), &m); err != nil {
		h.t.Fatalf("%s did not throw: %s", src, got)
	}
	return m
}

// throwsBadArgument checks that src throws a BAD_ARGUMENT TypeError (exit
// code 2) whose message has want.
func (h *harness) throwsBadArgument(src, want string) {
	h.t.Helper()
	e := h.thrown(src)
	if msg, _ := e["message"].(string); e["code"] != "BAD_ARGUMENT" || e["name"] != "TypeError" || e["exitCode"] != float64(2) || !strings.Contains(msg, want) {
		h.t.Errorf("%s threw %v\nwant BAD_ARGUMENT with %s", src, e, want)
	}
}

func (h *harness) app(name string) emulator.App {
	h.t.Helper()
	return emulatortest.App(h.t, h.em, name)
}

func (h *harness) user(name string) emulator.User {
	h.t.Helper()
	return emulatortest.User(h.t, h.em, name)
}

// loginApp signs in as a seeded app with its secret.
func (h *harness) loginApp(name string) {
	h.t.Helper()
	a := h.app(name)
	h.login(auth.LoginOptions{Flow: auth.FlowSecret, ClientID: a.ClientID, ClientSecret: a.ClientSecret})
}

// loginUser signs in as a seeded user with the password grant (the Azure CLI's client).
func (h *harness) loginUser(name string) {
	h.t.Helper()
	u := h.user(name)
	h.login(auth.LoginOptions{Flow: auth.FlowPassword, Username: u.Username, Password: u.Password})
}

// login signs in to the world's tenant with opts.
func (h *harness) login(opts auth.LoginOptions) {
	h.t.Helper()
	opts.Tenant = h.world.TenantID
	if _, err := h.session.Login(context.Background(), opts); err != nil {
		h.t.Fatal(err)
	}
}

// prompt is the REPL's prompt prefix the bindings set (the account).
func (h *harness) prompt() string {
	if p := h.rt.Env().Prompt; p != nil {
		return p()
	}
	return "(no prompt hook)"
}

// copyIn copies files into the runtime's folder and returns their new paths.
func (h *harness) copyIn(paths ...string) []string {
	h.t.Helper()
	var out []string
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			h.t.Fatal(err)
		}
		dst := filepath.Join(h.dir, filepath.Base(p))
		if err := os.WriteFile(dst, b, 0o600); err != nil {
			h.t.Fatal(err)
		}
		out = append(out, dst)
	}
	return out
}
