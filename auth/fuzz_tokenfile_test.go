package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/azrepl/azrepl/httpx"
)

// FuzzTokenFile: a federated token file with any content either signs in
// with exactly its trimmed content as client_assertion, or fails in one
// line (an empty file) without a request; the content never appears in the
// trace or the --debug output, raw, form-encoded or JSON-escaped. The token
// endpoint is a transport under azrepl's traced client, no network.
func FuzzTokenFile(f *testing.F) {
	f.Add([]byte("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2ln\n"))
	f.Add([]byte("  \t\n"))
	f.Add([]byte("a b&c=d+e%41\"\\\u2028</script>"))
	f.Add([]byte("\xff\xfe\x00token\r\n"))
	f.Add([]byte("dapi0123456789abcdef"))
	home := f.TempDir()
	file := filepath.Join(home, "federated-token")
	accessToken := fakeJWT(f, map[string]any{"aud": "https://management.core.windows.net/", "tid": testTID, "oid": "wi", "appid": "wl-app"})
	f.Fuzz(func(t *testing.T, content []byte) {
		if err := os.WriteFile(file, content, 0o600); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		var sent []string
		endpoint := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			body, _ := io.ReadAll(r.Body)
			form, _ := url.ParseQuery(string(body))
			mu.Lock()
			sent = append(sent, form["client_assertion"]...)
			mu.Unlock()
			answer, _ := json.Marshal(map[string]any{"token_type": "Bearer", "expires_in": 3599, "access_token": accessToken})
			return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
				Body: io.NopCloser(bytes.NewReader(answer)), Request: r}, nil
		})
		var debug bytes.Buffer
		c := httpx.New(httpx.Options{Transport: endpoint, Debug: &debug})
		s, err := NewSession(Config{HTTP: c.HTTPClient(), Home: t.TempDir(), Secret: c.AddSecret,
			Getenv: func(k string) string {
				return map[string]string{"AZURE_TENANT_ID": testTID, "AZURE_CLIENT_ID": "wl-app", "AZURE_FEDERATED_TOKEN_FILE": file}[k]
			}})
		if err != nil {
			t.Fatal(err)
		}
		want := strings.TrimSpace(string(content))
		_, err = s.Login(context.Background(), LoginOptions{Flow: FlowWorkloadIdentity})
		if want == "" {
			if err == nil || strings.Contains(err.Error(), "\n") || len(sent) > 0 {
				t.Fatalf("empty file: %v, %d requests", err, len(sent))
			}
			return
		}
		if err != nil {
			t.Fatalf("file %q: %v", content, err)
		}
		if len(sent) != 1 || sent[0] != want {
			t.Fatalf("file %q: sent %q, want %q", content, sent, want)
		}
		if len(want) < 6 { // shorter values are not masked: they would mask ordinary text
			return
		}
		quoted, _ := json.Marshal(want)
		var trace bytes.Buffer
		for _, x := range c.Trace() {
			b, _ := json.Marshal(x)
			trace.Write(b)
		}
		if !strings.Contains(debug.String(), "/oauth2/v2.0/token") || !strings.Contains(trace.String(), "client_assertion") {
			t.Fatalf("the exchange is missing from the trace or --debug:\n%s", debug.String())
		}
		for _, where := range []struct{ name, text string }{{"trace", trace.String()}, {"--debug", debug.String()}} {
			for _, form := range []string{want, url.QueryEscape(want), string(quoted[1 : len(quoted)-1])} {
				if len(form) >= 6 && strings.Contains(where.text, form) {
					t.Fatalf("file %q: its content %q is in the %s", content, form, where.name)
				}
			}
		}
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
