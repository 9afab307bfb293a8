//go:build unix

package docs

// Every code block of the README and of docs/*.md runs here, as a reader
// would run it, against the offline emulator. A block's info string says
// what it is:
//
//	sh            run with sh -e: azrepl (built from this tree) first on PATH, a
//	              fresh HOME, the working folder a copy of nothing (a temp dir,
//	              with scripts/ beside it), and the environment of a running
//	              `azrepl emulate --dir DIR` (DIR/env and DIR/credentials.env);
//	              "env=workload" adds DIR/workload.env (a federated credential, as
//	              in CI with workload identity); "needs=TOOL" names a program it
//	              runs besides azrepl and sh
//	sh norun      not run: it installs from the network, starts an interactive
//	              program, runs every test or a program that is not offline
//	js            `azrepl --emulator run` of the block
//	repl          a REPL transcript: the inputs after each "azrepl> " prompt are
//	              typed into `azrepl --emulator`; each output line of the
//	              transcript that does not change from run to run (codes, times)
//	              must appear in what it prints
//	yaml          a kubeconfig: its exec user runs through kubectl's own code
//	              (client-go's exec plugin), whose request must carry a token
//	text, console shown output, not run
//
// A block without an info string fails the test: each one says what it is.

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	kexec "k8s.io/client-go/plugin/pkg/client/auth/exec"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"k8s.io/client-go/transport"
	"sigs.k8s.io/yaml"

	"github.com/azrepl/azrepl/emulator/emulatortest"
	"github.com/azrepl/azrepl/internal/testenv"
)

var blockRE = regexp.MustCompile("(?ms)^```([^\\n`]*)\\n(.*?)^```[ \\t]*$")

type block struct {
	page, info, text string
	line             int
}

func (b block) String() string { return fmt.Sprintf("%s:%d (```%s)", b.page, b.line, b.info) }

func (b block) words() []string { return strings.Fields(b.info) }

// rest is what the info string says after the kind.
func (b block) rest() []string {
	if w := b.words(); len(w) > 1 {
		return w[1:]
	}
	return nil
}

func (b block) has(word string) bool {
	for _, w := range b.rest() {
		if w == word || strings.HasPrefix(w, word+"=") {
			return true
		}
	}
	return false
}

func (b block) value(key string) string {
	for _, w := range b.rest() {
		if v, ok := strings.CutPrefix(w, key+"="); ok {
			return v
		}
	}
	return ""
}

func blocks(t *testing.T) []block {
	t.Helper()
	var out []block
	for _, page := range pages(t) {
		raw, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		s := string(raw)
		for _, m := range blockRE.FindAllStringSubmatchIndex(s, -1) {
			out = append(out, block{page: page, info: strings.TrimSpace(s[m[2]:m[3]]), text: s[m[4]:m[5]],
				line: strings.Count(s[:m[0]], "\n") + 1})
		}
	}
	return out
}

// TestBlocksSayWhatTheyAre: every block has an info string the runner knows.
func TestBlocksSayWhatTheyAre(t *testing.T) {
	known := map[string]bool{"sh": true, "js": true, "repl": true, "yaml": true, "text": true, "console": true}
	norun := 0
	for _, b := range blocks(t) {
		if len(b.words()) == 0 || !known[b.words()[0]] {
			t.Errorf("%s: give the block an info string: sh, js, repl, yaml, text or console", b)
		}
		if b.has("norun") {
			norun++
		}
	}
	// Kept few: each says in its own page why it cannot run offline.
	if norun > 4 {
		t.Errorf("%d blocks are not run: make them runnable against the emulator", norun)
	}
}

// docsEnv is what the blocks run with: the built azrepl and a running
// emulator.
type docsEnv struct {
	bin, emDir, root string
	base             []string // PATH with azrepl first, and the emulator's exports
}

func newDocsEnv(t *testing.T) *docsEnv {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	binDir := t.TempDir()
	bin := filepath.Join(binDir, "azrepl")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building azrepl: %v\n%s", err, out)
	}
	e := &docsEnv{bin: bin, root: root, emDir: filepath.Join(t.TempDir(), "em")}
	em := exec.Command(bin, "emulate", "--dir", e.emDir, "--approve-after", "200ms")
	em.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	logFile, err := os.Create(filepath.Join(t.TempDir(), "emulate.log"))
	if err != nil {
		t.Fatal(err)
	}
	em.Stdout, em.Stderr = logFile, logFile
	if err := em.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = em.Process.Kill(); _ = em.Wait(); logFile.Close() })
	envFile := filepath.Join(e.emDir, "credentials.env")
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) { // a hang is the failure
		if fi, err := os.Stat(envFile); err == nil && fi.Size() > 0 {
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logFile.Name())
			t.Fatalf("the emulator did not start:\n%s", log)
		}
	}
	e.base = []string{"PATH=" + binDir + string(os.PathListSeparator) + os.Getenv("PATH"), "NO_COLOR=1"}
	for _, f := range []string{"env", "credentials.env"} {
		e.base = append(e.base, emulatortest.EnvFile(t, filepath.Join(e.emDir, f))...)
	}
	return e
}

// workdir is a fresh working folder with the repository's scripts/ in it,
// as in a clone, and a fresh HOME.
func (e *docsEnv) workdir(t *testing.T) (dir, home string) {
	t.Helper()
	dir, home = t.TempDir(), t.TempDir()
	if err := os.Symlink(filepath.Join(e.root, "scripts"), filepath.Join(dir, "scripts")); err != nil {
		t.Fatal(err)
	}
	return dir, home
}

// run runs argv in its own process group (a block may start an emulator in
// the background: it is stopped with the group) and returns its output.
func (e *docsEnv) run(t *testing.T, dir string, env []string, stdin string, argv ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute) // a hang is the failure
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir, cmd.Env = dir, env
	cmd.Stdin = strings.NewReader(stdin)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// Files, not pipes: a background child holding them must not keep Wait waiting.
	out, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	runErr := cmd.Run()
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
	}
	b, _ := os.ReadFile(out.Name())
	return string(b), runErr
}

// TestBlocksRun runs every sh, js, repl and yaml block (see the file's
// comment for what each gets).
func TestBlocksRun(t *testing.T) {
	var todo []block
	for _, b := range blocks(t) {
		switch kind := b.words(); {
		case len(kind) == 0 || b.has("norun"):
		case kind[0] == "sh" || kind[0] == "js" || kind[0] == "repl" || kind[0] == "yaml":
			todo = append(todo, b)
		}
	}
	if len(todo) == 0 {
		t.Fatal("no block to run")
	}
	e := newDocsEnv(t)
	for _, b := range todo {
		t.Run(fmt.Sprintf("%s:%d", filepath.Base(b.page), b.line), func(t *testing.T) {
			dir, home := e.workdir(t)
			env := append([]string{"HOME=" + home}, e.base...)
			if k := b.words()[0]; k == "js" || k == "repl" {
				// --emulator runs its own, with its own defaults.
				env = []string{"HOME=" + home, e.base[0], "NO_COLOR=1"}
			}
			for _, w := range b.rest() {
				if need, ok := strings.CutPrefix(w, "needs="); ok {
					testenv.LookPath(t, need)
				}
			}
			if b.value("env") == "workload" {
				env = append(env, emulatortest.EnvFile(t, filepath.Join(e.emDir, "workload.env"))...)
			}
			switch b.words()[0] {
			case "sh":
				if out, err := e.run(t, dir, env, "", "sh", "-ec", b.text); err != nil {
					t.Fatalf("%s: %v\n%s\n--- output:\n%s", b, err, b.text, out)
				}
			case "js":
				file := filepath.Join(dir, "block.js")
				if err := os.WriteFile(file, []byte(b.text), 0o600); err != nil {
					t.Fatal(err)
				}
				if out, err := e.run(t, dir, env, "", e.bin, "--emulator", "run", file); err != nil {
					t.Fatalf("%s: %v\n%s\n--- output:\n%s", b, err, b.text, out)
				}
			case "repl":
				e.runTranscript(t, b, dir, env)
			case "yaml":
				e.runKubeconfig(t, b, dir, env)
			}
		})
	}
}

// promptRE finds a REPL prompt: "azrepl> ", with an account before it.
var promptRE = regexp.MustCompile(`^(?:\S+… )?(?:app \S+ )?azrepl> `)

// varying are output lines that change from run to run.
var varying = regexp.MustCompile(`one-time code|^\$ |^Waiting`)

func (e *docsEnv) runTranscript(t *testing.T, b block, dir string, env []string) {
	t.Helper()
	var inputs, want []string
	for _, line := range strings.Split(strings.TrimRight(b.text, "\n"), "\n") {
		if loc := promptRE.FindStringIndex(line); loc != nil {
			inputs = append(inputs, line[loc[1]:])
			continue
		}
		if !varying.MatchString(line) && strings.TrimSpace(line) != "" {
			want = append(want, line)
		}
	}
	if len(inputs) == 0 {
		t.Fatalf("%s: no input after an azrepl> prompt", b)
	}
	// Without the tour's story app, the emulator's defaults apply, as in the
	// transcript; its lines come back in order.
	out, err := e.run(t, dir, env, strings.Join(inputs, "\n")+"\n", e.bin, "--emulator")
	if err != nil {
		t.Fatalf("%s: %v\n%s", b, err, out)
	}
	for _, w := range want {
		if !strings.Contains(out, strings.TrimSpace(w)) {
			t.Errorf("%s: the transcript shows %q; the REPL printed:\n%s", b, w, out)
		}
	}
}

// runKubeconfig runs a kubeconfig block's exec user with kubectl's own
// code (client-go's exec credential plugin), after one sign-in: the request
// it authenticates must carry azrepl's token.
func (e *docsEnv) runKubeconfig(t *testing.T, b block, dir string, env []string) {
	t.Helper()
	var kc struct {
		Users []struct {
			Name string `json:"name"`
			User struct {
				Exec *struct {
					APIVersion      string   `json:"apiVersion"`
					Command         string   `json:"command"`
					Args            []string `json:"args"`
					InteractiveMode string   `json:"interactiveMode"`
				} `json:"exec"`
			} `json:"user"`
		} `json:"users"`
	}
	if err := yaml.UnmarshalStrict([]byte(b.text), &kc); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	if len(kc.Users) == 0 || kc.Users[0].User.Exec == nil {
		t.Fatalf("%s: no exec user", b)
	}
	u := kc.Users[0].User.Exec
	x := &clientcmdapi.ExecConfig{APIVersion: u.APIVersion, Command: u.Command, Args: u.Args,
		InteractiveMode: clientcmdapi.ExecInteractiveMode(u.InteractiveMode)}
	if out, err := e.run(t, dir, env, "", e.bin, "login"); err != nil {
		t.Fatalf("azrepl login: %v\n%s", err, out)
	}
	// client-go runs the plugin with this process's environment: the
	// block's (azrepl on PATH, the fresh HOME, the emulator).
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	var sent string
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { sent = r.Header.Get("Authorization") }))
	defer srv.Close()
	a, err := kexec.GetAuthenticator(x, nil)
	if err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	tc := &transport.Config{}
	if err := a.UpdateTransportConfig(tc); err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Transport: tc.WrapTransport(http.DefaultTransport)}).Get(srv.URL)
	if err != nil {
		t.Fatalf("%s: client-go's exec plugin: %v", b, err)
	}
	resp.Body.Close()
	if tok, ok := strings.CutPrefix(sent, "Bearer "); !ok || strings.Count(tok, ".") != 2 {
		t.Fatalf("%s: kubectl's request carried %.20q…, want azrepl's JWT", b, sent)
	}
}
