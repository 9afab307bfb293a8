package auth

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/emulatortest"
)

func envOf(kvs ...[]string) map[string]string {
	env := map[string]string{}
	for _, l := range kvs {
		for _, kv := range l {
			k, v, _ := strings.Cut(kv, "=")
			env[k] = v
		}
	}
	return env
}

// waitForChange polls the assertion file until the emulator rewrote it.
func waitForChange(t *testing.T, path, old string) string {
	t.Helper()
	for i := 0; i < 3000; i++ {
		b, err := os.ReadFile(path)
		if err == nil && len(b) > 0 && string(b) != old {
			return string(b)
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("the assertion file was never rewritten")
	return ""
}

// The assertion is read before every exchange: one session keeps getting
// new tokens across assertion rotations, each old assertion having
// expired by then (what az cannot do: Azure/azure-cli#28708).
func TestWorkloadIdentityOutlivesAssertions(t *testing.T) {
	dir := t.TempDir()
	const life = 1500 * time.Millisecond
	e := startEmulator(t, emulator.Config{Dir: dir, AssertionLifetime: life})
	app := emulatortest.App(t, e, "workload-app")
	file := filepath.Join(dir, "federated-token")
	env := map[string]string{"AZURE_TENANT_ID": e.World().TenantID, "AZURE_CLIENT_ID": app.ClientID, "AZURE_FEDERATED_TOKEN_FILE": file}
	s := emulatorSession(t, e, env, nil)
	ctx := context.Background()
	first, _ := os.ReadFile(file)
	a, err := s.Login(ctx, LoginOptions{Flow: FlowWorkloadIdentity})
	if err != nil {
		t.Fatal(err)
	}
	if a.ClientID != app.ClientID || !strings.Contains(a.Source, "file "+file+" (AZURE_FEDERATED_TOKEN_FILE") {
		t.Fatalf("account %+v", a)
	}
	// Keep the first assertion aside: once expired, Entra refuses it.
	stale := filepath.Join(t.TempDir(), "stale-token")
	if err := os.WriteFile(stale, first, 0o600); err != nil {
		t.Fatal(err)
	}
	cur := string(first)
	for rotation := 1; rotation <= 3; rotation++ {
		cur = waitForChange(t, file, cur)
		tok, err := s.Token(ctx, "https://graph.microsoft.com/.default", TokenOptions{Force: true})
		if err != nil {
			t.Fatalf("rotation %d: %v", rotation, err)
		}
		if tok.Claims["appid"] != app.ClientID || claimString(tok.Claims["roles"]) != "Group.Read.All" {
			t.Errorf("rotation %d: claims %v", rotation, tok.Claims)
		}
	}
	// By now the first assertion has expired (three rotations at half its
	// lifetime each): it is refused with one line that names the file.
	s2 := emulatorSession(t, e, env, nil)
	_, err = s2.Login(ctx, LoginOptions{Flow: FlowWorkloadIdentity, TokenFile: stale})
	if err == nil || !strings.Contains(err.Error(), "the assertion from file "+stale) || !strings.Contains(err.Error(), "AADSTS700024") || strings.Contains(err.Error(), "\n") {
		t.Errorf("expired assertion: %v", err)
	}
	if err != nil && strings.Contains(err.Error(), string(first)) {
		t.Error("the assertion is in the error")
	}
}

// GitHub Actions and Azure Pipelines: the assertion is asked of the job's
// token endpoint before every exchange.
func TestWorkloadIdentityCISources(t *testing.T) {
	e := startEmulator(t, emulator.Config{})
	app := emulatortest.App(t, e, "workload-app")
	for _, system := range []string{"github", "pipelines"} {
		t.Run(system, func(t *testing.T) {
			env := envOf(e.CIEnv(system), []string{"AZURE_TENANT_ID=" + e.World().TenantID, "AZURE_CLIENT_ID=" + app.ClientID})
			var learned []string
			s, err := NewSession(Config{HTTP: e.HTTPClient(), Home: t.TempDir(), Getenv: func(k string) string { return env[k] },
				Secret: func(v string) { learned = append(learned, v) }})
			if err != nil {
				t.Fatal(err)
			}
			a, err := s.Login(context.Background(), LoginOptions{Flow: FlowWorkloadIdentity, Scope: "https://graph.microsoft.com/.default"})
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]string{"github": "(GitHub Actions, asked before every exchange)", "pipelines": "(Azure Pipelines, asked before every exchange)"}[system]
			if !strings.Contains(a.Source, want) {
				t.Errorf("source %q", a.Source)
			}
			if _, err := s.Token(context.Background(), "https://management.azure.com/.default", TokenOptions{}); err != nil {
				t.Fatal(err)
			}
			bearer := env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] + env["SYSTEM_ACCESSTOKEN"]
			if !strings.Contains(strings.Join(learned, " "), bearer) || len(learned) < 3 {
				t.Errorf("learned %d secrets: the request token and each assertion must be masked", len(learned))
			}
		})
	}
}

func TestWorkloadIdentityFailures(t *testing.T) {
	e := startEmulator(t, emulator.Config{})
	app := emulatortest.App(t, e, "workload-app")
	tenant := e.World().TenantID
	dir := t.TempDir()
	write := func(name, subject, audience string) string {
		tok, err := e.FederatedToken(subject, audience, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(tok), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	wrongSubject := write("subject", "system:serviceaccount:default:someone-else", "api://AzureADTokenExchange")
	wrongAudience := write("audience", "system:serviceaccount:default:workload", "api://other")
	good := write("good", "system:serviceaccount:default:workload", "api://AzureADTokenExchange")
	closed := func() string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		return "http://" + ln.Addr().String() + "/idtoken"
	}()
	gh := envOf(e.CIEnv("github"))
	base := func(kv ...string) map[string]string {
		m := map[string]string{"AZURE_TENANT_ID": tenant, "AZURE_CLIENT_ID": app.ClientID}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		o    LoginOptions
		want string
	}{
		{"no client id", map[string]string{"AZURE_TENANT_ID": tenant, "AZURE_FEDERATED_TOKEN_FILE": good}, LoginOptions{}, "needs the app's client id: pass clientId or set AZURE_CLIENT_ID"},
		{"no tenant", map[string]string{"AZURE_CLIENT_ID": app.ClientID, "AZURE_FEDERATED_TOKEN_FILE": good}, LoginOptions{}, "pass tenant or set AZURE_TENANT_ID"},
		{"no source", base(), LoginOptions{}, "no assertion source: pass tokenFile or set AZURE_FEDERATED_TOKEN_FILE"},
		{"missing file", base("AZURE_FEDERATED_TOKEN_FILE", filepath.Join(dir, "nope")), LoginOptions{}, "the assertion file (AZURE_FEDERATED_TOKEN_FILE): " + filepath.Join(dir, "nope") + ": no such file"},
		{"wrong subject", base(), LoginOptions{TokenFile: wrongSubject}, "AADSTS700213"},
		{"wrong audience", base(), LoginOptions{TokenFile: wrongAudience}, "AADSTS700212"},
		{"wrong app", map[string]string{"AZURE_TENANT_ID": tenant, "AZURE_CLIENT_ID": emulatortest.App(t, e, "reader-app").ClientID}, LoginOptions{TokenFile: good}, "was refused"},
		{"GitHub without token", base("ACTIONS_ID_TOKEN_REQUEST_URL", gh["ACTIONS_ID_TOKEN_REQUEST_URL"]), LoginOptions{}, "ACTIONS_ID_TOKEN_REQUEST_TOKEN is not (the job needs permissions: id-token: write)"},
		{"GitHub wrong token", base("ACTIONS_ID_TOKEN_REQUEST_URL", gh["ACTIONS_ID_TOKEN_REQUEST_URL"], "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "wrong"), LoginOptions{}, "the GitHub Actions token endpoint answered HTTP 401: Bad credentials"},
		{"GitHub unreachable", base("ACTIONS_ID_TOKEN_REQUEST_URL", closed, "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "x"), LoginOptions{}, "the GitHub Actions token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL) is unreachable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.o.Flow = FlowWorkloadIdentity
			msg := loginFails(t, e, tc.env, tc.o, tc.want)
			if strings.Contains(msg, "eyJ") {
				t.Error("an assertion is in the error")
			}
		})
	}
}
