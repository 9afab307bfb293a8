package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator/world"
	"github.com/azrepl/azrepl/internal/testenv"
)

// runMain starts `azrepl emulate` in-process and waits for its ready line.
func runMain(t *testing.T, args ...string) (stdout *testenv.Buffer, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout = &testenv.Buffer{}
	var stderr testenv.Buffer
	done := make(chan int, 1)
	go func() { done <- Main(ctx, args, stdout, &stderr) }()
	deadline := time.After(30 * time.Second)
	for !strings.Contains(stdout.String(), "ready") {
		select {
		case code := <-done:
			cancel()
			t.Fatalf("Main exited %d before ready: %s", code, stderr.String())
		case <-deadline:
			cancel()
			t.Fatal("no ready line")
		case <-time.After(20 * time.Millisecond):
		}
	}
	return stdout, func() int {
		cancel()
		select {
		case code := <-done:
			return code
		case <-time.After(10 * time.Second):
			t.Fatal("Main did not stop after cancel")
			return -1
		}
	}
}

func TestMainWritesDirAndStops(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "emu")
	out, stop := runMain(t, "--dir", dir, "--groups", "7", "--users", "11", "--jobs", "12", "--clusters", "5", "--approve-after", "1s", "--token-lifetime", "10m")
	text := out.String()
	for _, want := range []string{"export HTTPS_PROXY=http://127.0.0.1:", "export SSL_CERT_FILE=" + filepath.Join(dir, "ca.pem"),
		"export REQUESTS_CA_BUNDLE=" + filepath.Join(dir, "ca-bundle.pem"), "# azrepl emulator ready: direct https://127.0.0.1:"} {
		if !strings.Contains(text, want) {
			t.Errorf("stdout lacks %q:\n%s", want, text)
		}
	}
	if lines := strings.Count(text, "ready"); lines != 1 {
		t.Errorf("want one ready line, got %d", lines)
	}
	env, err := os.ReadFile(filepath.Join(dir, "env"))
	if err != nil || !strings.Contains(string(env), "HTTPS_PROXY") {
		t.Fatalf("env file: %v %s", err, env)
	}
	var w World
	data, err := os.ReadFile(filepath.Join(dir, "tenant.json"))
	if err != nil || json.Unmarshal(data, &w) != nil || w.GroupCount != 7 || len(w.Groups) != 0 || len(w.Users) != 3 ||
		w.UserCount != 11 || w.Databricks.Jobs != 12 || w.Databricks.Clusters != 5 {
		t.Fatalf("tenant.json: %v, %d groups, %d users, %d jobs, %d clusters", err, w.GroupCount, w.UserCount, w.Databricks.Jobs, w.Databricks.Clusters)
	}
	// The credentials go to credentials.env, never to stdout.
	creds, err := os.ReadFile(filepath.Join(dir, "credentials.env"))
	secret := w.Apps[0].ClientSecret
	if err != nil || secret == "" || !strings.Contains(string(creds), "export AZURE_CLIENT_SECRET="+shellQuote(secret)+"\n") ||
		!strings.Contains(string(creds), "export DATABRICKS_HOST="+shellQuote("https://"+w.Databricks.Host)+"\n") {
		t.Errorf("credentials.env: %v\n%s", err, creds)
	}
	if strings.Contains(text, secret) {
		t.Error("stdout shows a client secret")
	}
	// A person's first try: curl through the proxy with ca.pem.
	if curl, err := exec.LookPath("curl"); err == nil {
		proxy, _, _ := strings.Cut(strings.SplitN(text, "HTTPS_PROXY=", 2)[1], "\n")
		cmd := exec.Command(curl, "-sS", "--max-time", "20", "--proxy", proxy, "--cacert", filepath.Join(dir, "ca.pem"),
			"https://login.microsoftonline.com/"+w.TenantID+"/v2.0/.well-known/openid-configuration")
		cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
		body, err := cmd.Output()
		if err != nil || !bytes.Contains(body, []byte(`"issuer":"https://login.microsoftonline.com/`+w.TenantID+`/v2.0"`)) {
			t.Errorf("curl through the proxy: %v %.200s", err, body)
		}
	}
	if code := stop(); code != 0 {
		t.Errorf("exit code %d after cancel", code)
	}
}

func TestMainLoadsData(t *testing.T) {
	dir := t.TempDir()
	w := world.Seed(3)
	w.TenantID, w.Domain = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", "fabrikam.onmicrosoft.com"
	data, _ := json.Marshal(w)
	path := filepath.Join(dir, "fabrikam.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, stop := runMain(t, "--data", path, "--proxy", "")
	if !strings.Contains(out.String(), "tenant aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee (fabrikam.onmicrosoft.com)") ||
		strings.Contains(out.String(), "HTTPS_PROXY") {
		t.Errorf("stdout: %s", out.String())
	}
	stop()
}

func TestMainRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{{"--nope"}, {"--faults", "rate=7"}, {"--groups", "-1"}, {"extra"}, {"--data", "/does/not/exist.json"}} {
		var stdout, stderr bytes.Buffer
		if code := Main(context.Background(), args, &stdout, &stderr); code == 0 || stderr.Len() == 0 {
			t.Errorf("Main(%v) = %d, stderr %q", args, code, stderr.String())
		}
	}
}
