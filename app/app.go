// Package app builds the services one azrepl process uses — the HTTP client,
// the auth session and, with --emulator, the in-process emulator — and hands
// them to each runtime through bindings.Env. The command line calls Setup
// once and passes Services.Install as runtime.Options.Setup.
package app

import (
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/azrepl/azrepl/auth"
	"github.com/azrepl/azrepl/bindings"
	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/httpx"
	"github.com/mattn/go-isatty"
)

// Options say how to build the services.
type Options struct {
	Emulator bool      // start the offline emulator in-process and talk only to it
	Debug    bool      // print every HTTP exchange (redacted) on Stderr
	Home     string    // AZREPL_HOME; "" = $AZREPL_HOME, else the user config dir + /azrepl (emulator: a temp dir)
	Stderr   io.Writer // diagnostics: the device code, the emulator's line; default os.Stderr
	// Environ is the process environment, "KEY=value" (default os.Environ()).
	// The script's env global and the auth session both read Services.Environ,
	// which is Environ plus the emulator's defaults.
	Environ []string
	// EmulatorDir, when set with Emulator, is where the emulator writes
	// ca.pem, env, tenant.json and requests.log.
	EmulatorDir string
	// ApproveAfter and ApproveAs: the emulator approves every device code
	// after this long (default 2s) as this user (default alice).
	ApproveAfter time.Duration
	ApproveAs    string
	// TokenLifetime fixes the emulator's access-token lifetime (tests whose
	// output shows it); 0 = Entra's random 60–90 minutes for user tokens.
	TokenLifetime time.Duration
}

// Services are the long-lived parts shared by every runtime of the process.
type Services struct {
	HTTP     *httpx.Client
	Auth     *auth.Session
	Emulator *emulator.Emulator // nil without --emulator
	Environ  []string           // the script's env: the process environment plus the emulator's defaults
	Home     string             // where the token cache lives

	route        httpx.Options // the HTTP client's roots and proxy (NewHTTPClient)
	prompt       *bindings.DeviceCodePrompt
	closers      []func()
	emulatorDir  string        // where the emulator writes ca.pem, env, tenant.json
	approveAfter time.Duration // the emulator's pause before it approves a device code or signs in
}

// Setup builds the services. Close them when the process ends.
func Setup(ctx context.Context, o Options) (s *Services, err error) {
	if o.Stderr == nil {
		o.Stderr = os.Stderr
	}
	if o.Environ == nil {
		o.Environ = os.Environ()
	}
	s = &Services{Environ: append([]string(nil), o.Environ...)}
	defer func() {
		if err != nil {
			s.Close()
			s = nil
		}
	}()
	hopts := httpx.Options{TraceSize: s.envInt("AZREPL_TRACE_SIZE"), BodyLimit: s.envInt("AZREPL_TRACE_BODY"), TraceBytes: s.envInt("AZREPL_TRACE_BYTES"),
		MaxBody: int64(s.envInt("AZREPL_MAX_BODY")), RequestTimeout: httpx.ParseTimeout(s.Getenv("AZREPL_TIMEOUT"))}
	if o.Debug {
		hopts.Debug = o.Stderr
	}
	if s.Home, err = s.home(o); err != nil {
		return nil, err
	}
	if o.Emulator {
		if err := s.startEmulator(ctx, o); err != nil {
			return nil, err
		}
		hopts.RootCAs = emulatorRoots(s.Emulator)
		hopts.Proxy = emulatorProxy(s.Emulator.ProxyURL())
	}
	s.route = hopts
	s.HTTP = httpx.New(hopts)
	if s.Emulator != nil {
		for _, secret := range worldSecrets(s.Emulator.World()) {
			s.HTTP.AddSecret(secret)
		}
	}
	getenv := s.Getenv
	s.prompt = &bindings.DeviceCodePrompt{W: o.Stderr, TTY: isTerminal(o.Stderr), OpenURL: browserOpener(getenv, s.browserEnv(), o.Stderr)}
	if s.Emulator != nil && s.prompt.OpenURL == nil {
		s.prompt.OpenURL = emulatorSignIn(s.Emulator, s.approvingUser(o.ApproveAs), s.approveAfter, o.Stderr)
	}
	if s.Emulator != nil {
		s.prompt.Note = "(the emulator approves this code as " + approver(s.Emulator.World(), o.ApproveAs) + " in a moment)"
	}
	s.Auth, err = auth.NewSession(auth.Config{
		HTTP:         s.HTTP.HTTPClient(),
		Home:         s.Home,
		Prompt:       o.Stderr,
		OpenURL:      s.prompt.OpenURL,
		Getenv:       getenv,
		OnDeviceCode: s.prompt.Show,
		OnCountdown:  s.prompt.Countdown,
		SendClaims:   true,
		Secret:       s.HTTP.AddSecret,
	})
	if err != nil {
		return nil, err
	}
	bindings.AttachDeviceCodePrompt(s.Auth, s.prompt)
	UseSessionTokens(s.HTTP, s.Auth)
	return s, nil
}

// UseSessionTokens has c take its bearer tokens (http.get with a scope,
// graph, arm) from session; a 401 with a claims challenge (CAE: revoked
// session, new location…) is answered once with a token redeemed for those
// claims.
func UseSessionTokens(c *httpx.Client, session *auth.Session) {
	token := func(ctx context.Context, scope, claims string) (string, error) {
		t, err := session.Token(ctx, scope, auth.TokenOptions{Claims: claims})
		if err != nil {
			return "", err
		}
		return t.AccessToken, nil
	}
	c.SetTokenSource(func(ctx context.Context, scope string) (string, error) { return token(ctx, scope, "") })
	c.SetClaimsTokenSource(token)
}

// NewHTTPClient is another client that goes where Services.HTTP goes (the
// emulator with --emulator) and masks the same secrets, with o's trace sizes.
func (s *Services) NewHTTPClient(o httpx.Options) *httpx.Client {
	o.RootCAs, o.Proxy = s.route.RootCAs, s.route.Proxy
	c := httpx.New(o)
	if s.Emulator != nil {
		for _, secret := range worldSecrets(s.Emulator.World()) {
			c.AddSecret(secret)
		}
	}
	return c
}

// Proxy is the proxy choice of Services.HTTP: with --emulator every cloud
// host goes to the emulator (which refuses the hosts it does not serve) and
// loopback goes direct; else nil, HTTPS_PROXY/NO_PROXY as they are.
func (s *Services) Proxy() func(*http.Request) (*url.URL, error) { return s.route.Proxy }

// Install puts the services into a runtime's Env; it is the runtime's
// Options.Setup.
func (s *Services) Install(env *bindings.Env) error {
	env.HTTP = s.HTTP
	env.Auth = s.Auth
	if s.Emulator != nil {
		env.Emulator = s.Emulator // emulator.revoke(user)
	}
	return nil
}

// Getenv looks a variable up in Services.Environ (the last one wins, as in
// os/exec).
func (s *Services) Getenv(name string) string {
	v := ""
	prefix := name + "="
	for _, kv := range s.Environ {
		if strings.HasPrefix(kv, prefix) {
			v = kv[len(prefix):]
		}
	}
	return v
}

// Close stops the emulator and removes the per-run files; safe to call twice.
func (s *Services) Close() {
	if s == nil {
		return // New failed (a TMPDIR that does not exist): nothing to close
	}
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
	s.closers = nil
}

// home is AZREPL_HOME. With the emulator it is a fresh temp dir unless the
// caller chose one: the emulator's tokens use the real host names and must
// never land in the cache of real logins (and its keys change every run).
func (s *Services) home(o Options) (string, error) {
	if o.Home != "" {
		return o.Home, nil
	}
	if o.Emulator {
		dir, err := os.MkdirTemp("", "azrepl-emulator-home-")
		if err != nil {
			return "", err
		}
		s.closers = append(s.closers, func() { _ = os.RemoveAll(dir) })
		return dir, nil
	}
	return Home(s.Getenv)
}

// Home is azrepl's own folder for real logins: $AZREPL_HOME, else the
// user config dir + /azrepl.
func Home(getenv func(string) string) (string, error) {
	if h := getenv("AZREPL_HOME"); h != "" {
		return h, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("cannot find a folder for azrepl's files (set AZREPL_HOME): %w", err)
	}
	return filepath.Join(dir, "azrepl"), nil
}

// emulatorRoots trusts the emulator's CA, and the system roots too so that
// a mistake (a host the emulator does not serve) fails at the proxy, not at
// TLS verification.
func emulatorRoots(em *emulator.Emulator) *x509.CertPool {
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(em.CAPEM()) {
		return em.CertPool()
	}
	return pool
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isatty.IsTerminal(f.Fd())
}

// envInt reads a positive count from the environment; 0 (the default) when
// unset or not a positive number.
func (s *Services) envInt(name string) int {
	n, err := strconv.Atoi(s.Getenv(name))
	if err != nil || n < 0 {
		return 0
	}
	return n
}
