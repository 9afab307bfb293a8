package record

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/emulatortest"
	"github.com/azrepl/azrepl/httpx"
	"github.com/azrepl/azrepl/internal/leafca"
	"github.com/azrepl/azrepl/internal/testenv"
)

// startEmulator runs the emulator in-process with its files in a temp folder.
func startEmulator(t *testing.T) *emulator.Emulator {
	t.Helper()
	return emulatortest.Start(t, emulator.Config{Dir: t.TempDir(), ApproveAfter: 1, Groups: 5})
}

// onwardTo is the recorder's onward client when the emulator stands in for
// the cloud, with the world's secrets registered as the command line does.
func onwardTo(em *emulator.Emulator) *httpx.Client {
	c := httpx.New(httpx.Options{RootCAs: em.CertPool(), Proxy: http.ProxyURL(em.ProxyURL()), TraceSize: 10000})
	for _, a := range em.World().Apps {
		if a.ClientSecret != "" {
			c.AddSecret(a.ClientSecret)
		}
	}
	return c
}

func app(t *testing.T, em *emulator.Emulator, name string) emulator.App {
	return emulatortest.App(t, em, name)
}

// runRecorded runs argv behind the recorder and returns the result and the
// program's output.
func runRecorded(t *testing.T, cfg Config) (*Result, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	cfg.Stdout, cfg.Stderr, cfg.Stdin = &out, &errb, strings.NewReader("")
	var folder string
	cfg.Started = func(dir string) { folder = dir }
	cfg.Environ = append(cleanEnv(), cfg.Environ...)
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if folder != "" {
		if _, err := os.Stat(folder); !os.IsNotExist(err) {
			t.Errorf("the per-run folder %s is still there: %v", folder, err)
		}
	}
	return res, out.String(), errb.String()
}

// cleanEnv is this process's environment without any proxy or CA setting.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch strings.ToUpper(k) {
		case "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "ALL_PROXY", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE":
			continue
		}
		out = append(out, kv)
	}
	return out
}

func TestCurlClientCredentialsThenGraph(t *testing.T) {
	curl := testenv.LookPath(t, "curl")
	em := startEmulator(t)
	a := app(t, em, "reader-app")
	script := `set -e
tok=$(curl -sS --fail-with-body https://login.microsoftonline.com/$TENANT/oauth2/v2.0/token \
  -d grant_type=client_credentials -d client_id=$CID --data-urlencode client_secret=$SECRET \
  --data-urlencode scope=https://graph.microsoft.com/.default | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
curl -sS --fail-with-body -H "Authorization: Bearer $tok" 'https://graph.microsoft.com/v1.0/groups?$top=2' -o /dev/null -w '%{http_code}\n'`
	res, out, errs := runRecorded(t, Config{Command: []string{"sh", "-c", script}, Onward: onwardTo(em),
		Environ: []string{"TENANT=" + em.World().TenantID, "CID=" + a.ClientID, "SECRET=" + a.ClientSecret, "PATH=" + os.Getenv("PATH"), "CURL=" + curl}})
	if res.Exit != 0 || strings.TrimSpace(out) != "200" {
		t.Fatalf("exit %d, out %q, stderr %s", res.Exit, out, errs)
	}
	if len(res.Exchanges) != 2 {
		t.Fatalf("%d exchanges recorded, want 2", len(res.Exchanges))
	}
	tok, graph := res.Exchanges[0], res.Exchanges[1]
	if !strings.HasSuffix(tok.URL, "/oauth2/v2.0/token") || tok.Status != 200 || !strings.Contains(graph.URL, "/v1.0/groups") || graph.Status != 200 {
		t.Errorf("recorded %s %d, %s %d", tok.URL, tok.Status, graph.URL, graph.Status)
	}
	if len(graph.Tokens) == 0 || graph.Tokens[0].Claims["aud"] != "https://graph.microsoft.com" {
		t.Errorf("the bearer token's claims were not decoded: %+v", graph.Tokens)
	}
	all, _ := json.Marshal(res.Exchanges)
	if strings.Contains(string(all), a.ClientSecret) || strings.Contains(string(all), "eyJ0eX") {
		t.Errorf("a secret or a token is in the recording")
	}
}

func TestTunnelNotDecrypted(t *testing.T) {
	curl := testenv.LookPath(t, "curl")
	srv := newTLSServer(t)
	em := startEmulator(t)
	caFile := t.TempDir() + "/server-ca.pem"
	if err := os.WriteFile(caFile, srv.caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	res, out, errs := runRecorded(t, Config{Command: []string{curl, "-sS", "-w", "%{http_code} %{certs}", "-o", "/dev/null", srv.url},
		Onward: onwardTo(em), RootFiles: []string{caFile}})
	if res.Exit != 0 || !strings.HasPrefix(out, "200") {
		t.Fatalf("exit %d, out %q, stderr %s", res.Exit, out, errs)
	}
	if !strings.Contains(out, "test server CA") || strings.Contains(out, "azrepl record") {
		t.Errorf("curl did not see the server's own certificate: %s", out)
	}
	if len(res.Exchanges) != 0 || len(res.Connections.Tunnelled) != 1 {
		t.Errorf("exchanges %d, connections %+v", len(res.Exchanges), res.Connections)
	}
}

// testServer is an HTTPS server on loopback with its own CA.
type testServer struct {
	url   string
	caPEM []byte
}

func newTLSServer(t *testing.T) testServer {
	t.Helper()
	srv, ca := tlsServer(t, "127.0.0.1", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "hello") }))
	return testServer{url: srv.URL, caPEM: ca.PEM()}
}

// tlsServer starts an HTTPS server of h with its own CA ("test server CA")
// and a certificate for host, closed when t ends.
func tlsServer(t *testing.T, host string, h http.Handler) (*httptest.Server, *leafca.CA) {
	t.Helper()
	ca, err := testCA("test server CA")
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := ca.Leaf(host)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{*leaf}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, ca
}
