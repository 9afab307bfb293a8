// Package fidelity runs client libraries this project did not write,
// unchanged, against `azrepl emulate`: they are configured only through the
// files the emulator writes (DIR/env: proxy and CA; DIR/*.env: credentials)
// and, for the browser, a headless Chromium reached the way the library
// opens any browser (xdg-open on PATH). Each credential's token then lists
// Graph /v1.0/groups.
package fidelity

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/emulatortest"
	"github.com/azrepl/azrepl/internal/testenv"
)

var (
	dir    string // the emulator's --dir
	binDir string // holds xdg-open (testbrowser) when it could be built
	world  struct {
		TenantID string `json:"tenantId"`
		Users    []struct{ Name, Username, Password string }
	}
)

func TestMain(m *testing.M) {
	code, err := run(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fidelity:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

// run starts `azrepl emulate --dir DIR` (its Main, in process) and puts
// DIR/env into this process's environment, as a shell would after
// `source DIR/env`.
func run(m *testing.M) (int, error) {
	// The emulator makes DIR itself and refuses a folder holding other
	// files, so DIR and the test's own bin/ sit side by side in one root.
	root, err := os.MkdirTemp("", "azrepl-fidelity-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(root)
	dir = filepath.Join(root, "emulator")
	binDir = filepath.Join(root, "bin")
	if err := os.Mkdir(binDir, 0o700); err != nil {
		return 0, err
	}
	tb := filepath.Join(binDir, "testbrowser")
	if out, err := exec.Command("go", "build", "-o", tb, "../internal/testbrowser").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building testbrowser: %v\n%s", err, out)
	} else {
		script := fmt.Sprintf("#!/bin/sh\nexec %s --env-file %s --user alice --log %s \"$1\"\n",
			tb, filepath.Join(dir, "env"), filepath.Join(root, "browser.log"))
		if err := os.WriteFile(filepath.Join(binDir, "xdg-open"), []byte(script), 0o700); err != nil {
			return 0, err
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &testenv.Buffer{}
	errs := &testenv.Buffer{}
	done := make(chan int, 1)
	go func() {
		done <- emulator.Main(ctx, []string{"--dir", dir, "--groups", "20", "--approve-after", "1s"}, out, errs)
	}()
	for !strings.Contains(out.String(), "# azrepl emulator ready") {
		select {
		case code := <-done:
			return 0, fmt.Errorf("azrepl emulate exited %d: %s", code, errs.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	if err := setExports(filepath.Join(dir, "env"), os.Setenv); err != nil {
		return 0, err
	}
	data, err := os.ReadFile(filepath.Join(dir, "tenant.json"))
	if err != nil {
		return 0, err
	}
	if err := json.Unmarshal(data, &world); err != nil {
		return 0, err
	}
	code := m.Run()
	cancel()
	<-done
	return code, nil
}

// setExports applies the `export K=V` lines of an emulator env file.
func setExports(path string, set func(k, v string) error) error {
	env, err := emulatortest.ReadEnvFile(path)
	if err != nil {
		return err
	}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		if err := set(k, v); err != nil {
			return err
		}
	}
	return nil
}

func useEnvFile(t *testing.T, name string) {
	t.Helper()
	if err := setExports(filepath.Join(dir, name), func(k, v string) error { t.Setenv(k, v); return nil }); err != nil {
		t.Fatal(err)
	}
}

// listGroups gets a Graph token from the credential and lists groups with it.
func listGroups(t *testing.T, cred azcore.TokenCredential) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	tok, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{"https://graph.microsoft.com/.default"}})
	if err != nil {
		t.Fatalf("GetToken: %v", err)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "https://graph.microsoft.com/v1.0/groups?$top=5", nil)
	req.Header.Set("Authorization", "Bearer "+tok.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Value []struct{ ID string } `json:"value"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != 200 || len(body.Value) != 5 {
		t.Fatalf("GET /v1.0/groups: %d %v %+v", resp.StatusCode, err, body)
	}
}

// logged reports whether requests.log has a request to host (any host when
// host is "") whose path contains part and (when field is not "") whose form
// carried field: what the library sent, and where.
func logged(t *testing.T, host, part, field string) bool {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "requests.log"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		var e struct {
			Host string   `json:"host"`
			Path string   `json:"path"`
			Form []string `json:"form"`
		}
		if json.Unmarshal([]byte(line), &e) != nil || !strings.Contains(e.Path, part) || host != "" && !strings.EqualFold(e.Host, host) {
			continue
		}
		if field == "" || slices.Contains(e.Form, field) {
			return true
		}
	}
	return false
}

// userCredential is azidentity's username and password credential of the
// world's user name, through the Azure CLI's client as a script would.
func userCredential(t *testing.T, name string) azcore.TokenCredential {
	t.Helper()
	for _, u := range world.Users {
		if u.Name == name {
			cred, err := azidentity.NewUsernamePasswordCredential(world.TenantID, "04b07795-8ddb-461a-bbee-02f9e1bf7b46", u.Username, u.Password, nil)
			if err != nil {
				t.Fatal(err)
			}
			return cred
		}
	}
	t.Fatalf("no %s in tenant.json", name)
	return nil
}

// TestCredentials: each credential gets a Graph token that lists groups,
// set up only as the library documents: environment variables from the
// emulator's files, or the library's defaults.
func TestCredentials(t *testing.T) {
	environment := func(*testing.T) (azcore.TokenCredential, error) { return azidentity.NewEnvironmentCredential(nil) }
	for _, c := range []struct {
		name    string
		envFile string   // the emulator's file set first ("" = none)
		env     []string // KEY=VALUE set then
		cred    func(t *testing.T) (azcore.TokenCredential, error)
		check   func(t *testing.T) // what requests.log must show besides (nil = nothing)
	}{
		{name: "client secret", envFile: "reader-app.env", cred: environment},
		{name: "certificate", envFile: "reader-app-certificate.env", cred: environment},
		// With the chain in the assertion's x5c header (subject name/issuer auth).
		{name: "certificate with chain", envFile: "reader-app-certificate.env", env: []string{"AZURE_CLIENT_SEND_CERTIFICATE_CHAIN=true"}, cred: environment},
		// Device code with the library's defaults (Azure CLI client,
		// organizations); the emulator approves as alice after a second
		// (--approve-after).
		{name: "device code", cred: func(*testing.T) (azcore.TokenCredential, error) { return azidentity.NewDeviceCodeCredential(nil) }},
		{name: "username and password", cred: func(t *testing.T) (azcore.TokenCredential, error) { return userCredential(t, "alice"), nil }, check: func(t *testing.T) {
			if !logged(t, "", "/common/UserRealm/", "") || !logged(t, "", "/oauth2/v2.0/token", "password") {
				t.Fatal("requests.log shows no UserRealm lookup and password grant")
			}
		}},
		// The library opens the sign-in page with xdg-open, which is headless
		// Chromium here; alice signs in on the emulator's page.
		{name: "interactive browser", cred: func(t *testing.T) (azcore.TokenCredential, error) {
			testenv.LookPath(t, "chromium")
			if _, err := os.Stat(filepath.Join(binDir, "xdg-open")); err != nil {
				t.Fatal("testbrowser could not be built")
			}
			t.Setenv("PATH", binDir+string(os.PathListSeparator)+os.Getenv("PATH"))
			return azidentity.NewInteractiveBrowserCredential(nil)
		}},
		// Workload identity from DIR/workload.env and the assertion file the
		// emulator keeps fresh.
		{name: "workload identity", envFile: "workload.env", cred: func(*testing.T) (azcore.TokenCredential, error) {
			return azidentity.NewWorkloadIdentityCredential(nil)
		}, check: func(t *testing.T) {
			if !logged(t, "", "/oauth2/v2.0/token", "client_assertion") {
				t.Fatal("requests.log shows no client_assertion exchange")
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.envFile != "" {
				useEnvFile(t, c.envFile)
			}
			for _, kv := range c.env {
				k, v, _ := strings.Cut(kv, "=")
				t.Setenv(k, v)
			}
			cred, err := c.cred(t)
			if err != nil {
				t.Fatal(err)
			}
			listGroups(t, cred)
			if c.check != nil {
				c.check(t)
			}
		})
	}
}
