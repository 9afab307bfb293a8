package scripts_test

// Every scripts/*.js runs here against the emulator and its output is
// compared with testdata/NAME.out (go test ./scripts -update rewrites them).
//
// The scripts run in-process as `azrepl --emulator --debug run NAME.js`
// does: app.Setup with the emulator, then a runtime with its services. This
// also gives the test the emulator's proxy and CA for the helpers that act
// as the user: testbrowser (a headless Chromium set as $BROWSER) and a real
// `az login` for azcli-reuse.js.

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/app"
	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/internal/testenv"
	"github.com/azrepl/azrepl/runtime"
)

var update = flag.Bool("update", false, "rewrite testdata/*.out")

// azrepl is the path of the azrepl binary built from the module root, ""
// when it could not be built.
var azrepl string

// testbrowser is the path of the built internal/testbrowser, "" when it
// could not be built.
var testbrowser string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "scripts-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin := filepath.Join(dir, "testbrowser")
	if out, err := exec.Command("go", "build", "-o", bin, "../internal/testbrowser").CombinedOutput(); err == nil {
		testbrowser = bin
	} else {
		fmt.Fprintf(os.Stderr, "building testbrowser: %v\n%s", err, out)
	}
	if out, err := exec.Command("go", "build", "-o", filepath.Join(dir, "azrepl"), "..").CombinedOutput(); err == nil {
		azrepl = filepath.Join(dir, "azrepl")
	} else {
		fmt.Fprintf(os.Stderr, "building azrepl: %v\n%s", err, out)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// run is one script's run: its output and what the redaction check needs.
type run struct {
	stdout, stderr string
	exit           int
	home           string
	trace          string
	world          *emulator.World
	// secrets the emulator handed out besides the world's: the identity
	// header, the workload assertion, the CI request token.
	handed map[string]string
}

// runScript runs scripts/NAME.js against a fresh in-process emulator.
func runScript(t *testing.T, name string, args ...string) run {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	home, emDir := t.TempDir(), t.TempDir()
	var stdout, stderr testenv.Buffer
	environ := []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "AZURE_CONFIG_DIR=" + filepath.Join(home, "az")}
	if testbrowser != "" {
		// The emulator's proxy and CA are known once it runs: testbrowser
		// reads them from the env file it writes into emDir.
		environ = append(environ, fmt.Sprintf("BROWSER=%s --timeout 30s --log %s --env-file %s --user %s %%s",
			testbrowser, filepath.Join(emDir, "browser.log"), filepath.Join(emDir, "env"), seededUser))
	}
	s, err := app.Setup(ctx, app.Options{Emulator: true, Debug: true, Home: home, Stderr: &stderr, EmulatorDir: emDir,
		Environ:      environ,
		ApproveAfter: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	w := s.Emulator.World()
	if name == "azcli-reuse" {
		azLogin(t, s, emDir, home)
	}
	// The script runs from home, where its exports land (a script's paths
	// stay in its folder tree and the working folder) and are scanned.
	scriptsDir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(home); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = os.Chdir(scriptsDir) }() // the goldens are read from here
	rt, err := runtime.New(runtime.Options{Stdout: &stdout, Stderr: &stderr, Args: args, Environ: s.Environ,
		Dir: scriptsDir, Debug: true, Setup: s.Install})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	_, err = rt.RunFile(ctx, filepath.Join(scriptsDir, name+".js"))
	msg, code := runtime.Describe(err, false)
	if msg != "" {
		fmt.Fprintln(&stderr, msg)
	}
	if b, err := os.ReadFile(filepath.Join(emDir, "browser.log")); err == nil {
		fmt.Fprintf(&stderr, "%s", b)
	}
	var tr strings.Builder
	for _, e := range s.HTTP.Trace() {
		b, _ := json.Marshal(e)
		tr.Write(b)
		tr.WriteString(e.Curl() + "\n")
	}
	handed := map[string]string{}
	for _, kv := range append(s.Emulator.ManagedIdentityEnv("appservice"), s.Emulator.CIEnv("github")...) {
		if k, v, _ := strings.Cut(kv, "="); strings.HasSuffix(k, "_HEADER") || strings.HasSuffix(k, "_TOKEN") {
			handed[v] = k
		}
	}
	if b, err := os.ReadFile(filepath.Join(emDir, "federated-token")); err == nil {
		handed[string(b)] = "the workload assertion"
	}
	if b, err := os.ReadFile(emulator.DatabricksOIDCTokenPath(emDir)); err == nil {
		handed[string(b)] = "the Databricks OIDC token"
	}
	return run{stdout: stdout.String(), stderr: stderr.String(), exit: code, home: home, trace: tr.String(), world: w, handed: handed}
}

// needsBrowser names the snippets that sign in through a browser.
var needsBrowser = map[string]bool{"databricks-u2m": true, "databricks-account-u2m": true, "browser-login": true}

// seededUser is who the browser signs in as.
const seededUser = "alice@contoso.onmicrosoft.com"

// azLogin signs the Azure CLI in to the emulator (device code, approved
// by the emulator) with its config folder under home, when az is installed.
func azLogin(t *testing.T, s *app.Services, emDir, home string) {
	t.Helper()
	az := testenv.LookPath(t, "az") // azcli-reuse.js needs a real az login
	cmd := exec.Command(az, "login", "--use-device-code", "--allow-no-subscriptions", "--output", "none")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "AZURE_CONFIG_DIR=" + filepath.Join(home, "az"),
		"REQUESTS_CA_BUNDLE=" + filepath.Join(emDir, "ca-bundle.pem"), "HTTPS_PROXY=" + s.Emulator.ProxyURL().String(),
		"NO_PROXY=localhost,127.0.0.1", "AZURE_CORE_COLLECT_TELEMETRY=false", "AZURE_CORE_NO_COLOR=true"}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("az login against the emulator: %v\n%s", err, out)
	}
}

// masks replace what changes from run to run.
var masks = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z`), "<TIME>"},
	{regexp.MustCompile(`\b\d+(\.\d+)? ?(ms|items/s)\b`), "<N> $2"},
}

// jwtRE matches a signed JWT (header.payload.signature, JSON in base64url).
var jwtRE = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}`)

func mask(s string) string {
	for _, m := range masks {
		s = m.re.ReplaceAllString(s, m.with)
	}
	return s
}

func scriptNames(t *testing.T) []string {
	files, err := filepath.Glob("*.js")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, strings.TrimSuffix(f, ".js"))
	}
	sort.Strings(names)
	return names
}

func TestScripts(t *testing.T) {
	for _, name := range scriptNames(t) {
		t.Run(name, func(t *testing.T) {
			if needsBrowser[name] && testbrowser == "" {
				testenv.Missing(t, "no testbrowser: it needs chromium")
			}
			r := runScript(t, name)
			got := mask(r.stdout)
			if r.exit != 0 {
				got += fmt.Sprintf("exit %d\n", r.exit)
			}
			golden := filepath.Join("testdata", name+".out")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)\nstdout:\n%s\nstderr:\n%s", err, got, tail(r.stderr))
			}
			if got != string(want) {
				t.Errorf("output differs from %s\ngot:\n%s\nwant:\n%s\nstderr:\n%s", golden, got, want, tail(r.stderr))
			}
			checkRedaction(t, r)
		})
	}
}

// tail keeps the end of a long --debug stderr for failure messages.
func tail(s string) string {
	if len(s) > 3000 {
		return "…" + s[len(s)-3000:]
	}
	return s
}

// checkRedaction: no secret of the world (when known) and no token of the cache appears
// in stdout, stderr (--debug output), the trace, or any file under
// AZREPL_HOME but the cache itself.
func checkRedaction(t *testing.T, r run) {
	t.Helper()
	secrets := map[string]string{}
	if w := r.world; w != nil {
		for _, u := range w.Users {
			secrets[u.Password] = "password of " + u.Name
		}
		for _, a := range w.Apps {
			secrets[a.ClientSecret] = "secret of " + a.Name
		}
		secrets[w.Databricks.ServicePrincipal.ClientSecret] = "Databricks service principal secret"
	}
	for v, what := range r.handed {
		secrets[v] = what
	}
	cache, err := os.ReadFile(filepath.Join(r.home, "tokens.json"))
	if err == nil {
		toks := regexp.MustCompile(`"secret"\s*:\s*"([^"]{16,})"`).FindAllSubmatch(cache, -1)
		if len(toks) == 0 {
			t.Error("tokens.json holds no token this check can look for: has its format changed?")
		}
		for _, tok := range toks {
			secrets[string(tok[1])] = "a cached token"
		}
	}
	places := map[string]string{"stdout": r.stdout, "stderr": r.stderr, "trace": r.trace}
	_ = filepath.WalkDir(r.home, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Base(p) == "tokens.json" || strings.Contains(p, string(filepath.Separator)+"az"+string(filepath.Separator)) {
			return nil
		}
		b, _ := os.ReadFile(p)
		places[p] = string(b)
		return nil
	})
	for secret, what := range secrets {
		if len(secret) < 8 {
			continue
		}
		for where, text := range places {
			if strings.Contains(text, secret) {
				t.Errorf("%s appears in %s", what, where)
			}
		}
	}
}

// TestScriptsWithBinary runs every snippet as a user does, with no
// arguments and nothing set up: `azrepl --emulator --debug run NAME.js`
// with an empty HOME, no $BROWSER and no az login, against the same golden
// files. The browser sign-ins are the emulator's own (it fills in its
// sign-in page as the approving user); azcli-reuse finds the Azure CLI
// folder the emulator leaves as az login would. TestScripts runs the
// browser ones in a real headless Chromium and azcli-reuse after a real
// az login.
func TestScriptsWithBinary(t *testing.T) {
	if azrepl == "" {
		t.Fatal("the azrepl binary could not be built")
	}
	for _, name := range scriptNames(t) {
		t.Run(name, func(t *testing.T) {
			home := t.TempDir()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			script, err := filepath.Abs(name + ".js")
			if err != nil {
				t.Fatal(err)
			}
			// From a working folder of its own: exports land there, not in the source tree.
			cmd := exec.CommandContext(ctx, azrepl, "--emulator", "--debug", "run", script)
			cmd.Dir = t.TempDir()
			cmd.Env = []string{"HOME=" + home, "AZREPL_HOME=" + home, "PATH=" + os.Getenv("PATH"), "NO_COLOR=1"}
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err = cmd.Run()
			got := mask(stdout.String())
			if code := cmd.ProcessState.ExitCode(); err != nil && code != 0 {
				got += fmt.Sprintf("exit %d\n", code)
			}
			want, rerr := os.ReadFile(filepath.Join("testdata", name+".out"))
			if rerr != nil {
				t.Fatal(rerr)
			}
			if got != string(want) {
				t.Errorf("output differs from testdata/%s.out\ngot:\n%s\nwant:\n%s\nstderr:\n%s", name, got, want, tail(stderr.String()))
			}
			// The binary keeps its emulator's world and, with --emulator, its
			// token cache (a temporary home) to itself: here no JWT may show
			// in the --debug output or the script's output.
			if name != "decode-token" && !strings.Contains(stderr.String(), "***") {
				t.Error("--debug printed no masked secret: was it on?")
			}
			if m := jwtRE.FindString(stdout.String() + stderr.String()); m != "" {
				t.Errorf("a JWT appears in the output: %.40s…", m)
			}
		})
	}
}

func TestUncaughtForbiddenIsOneLine(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "forbidden.js")
	src := `login({flow: "secret", tenant: env.AZURE_TENANT_ID, clientId: env.AZURE_CLIENT_ID, clientSecret: env.AZURE_CLIENT_SECRET});
graph.get("/groups");
`
	if err := os.WriteFile(script, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var stderr testenv.Buffer
	s, err := app.Setup(ctx, app.Options{Emulator: true, Home: t.TempDir(), Stderr: &stderr, Environ: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rt, err := runtime.New(runtime.Options{Stdout: &stderr, Stderr: &stderr, Environ: s.Environ, Dir: dir, Setup: s.Install})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	_, err = rt.RunFile(ctx, script)
	msg, code := runtime.Describe(err, false)
	if code != 4 {
		t.Errorf("exit code %d, want 4 (FORBIDDEN)", code)
	}
	if strings.Count(msg, "\n") != 0 || !strings.Contains(msg, "forbidden.js:2:") || !strings.Contains(msg, "FORBIDDEN") {
		t.Errorf("error line: %q", msg)
	}
}
