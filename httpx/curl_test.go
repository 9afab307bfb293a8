package httpx

import (
	"context"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"
)

// shellArgs runs a curl line in sh with curl replaced by a function that
// prints its arguments, the placeholders set as environment variables.
func shellArgs(t *testing.T, line string, env ...string) []string {
	t.Helper()
	script := `curl() { for a in "$@"; do printf '%s\0' "$a"; done; }; ` + line
	cmd := exec.Command("sh", "-c", script)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("sh: %v: %s\n%s", err, out, line)
	}
	return strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
}

func TestCurlIsShellSafeAndRunnable(t *testing.T) {
	srv, c, _ := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{}`))
	}), Options{})
	ctx := context.Background()
	_ = c.SetScope("127.0.0.1", "https://graph.microsoft.com/.default")
	c.SetTokenSource(func(context.Context, string) (string, error) { return "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig", nil })

	// A Graph GET with awkward characters, $-parameters and a header.
	resp, err := c.Do(ctx, &Request{URL: srv.URL + "/v1.0/groups", Query: url.Values{"$filter": {"displayName eq 'O''Brien & co'"}, "$count": {"true"}},
		Header: http.Header{"X-Note": {`it's "quoted" $HOME`}}})
	if err != nil {
		t.Fatal(err)
	}
	args := shellArgs(t, resp.Curl(), "TOKEN=tok-123", "HOME=/nowhere")
	want := []string{srv.URL + "/v1.0/groups?$count=true&$filter=displayName+eq+%27O%27%27Brien+%26+co%27",
		"-H", "Authorization: Bearer tok-123", "-H", "Consistencylevel: eventual", "-H", `X-Note: it's "quoted" $HOME`}
	if strings.Join(args, "\n") != strings.Join(want, "\n") {
		t.Fatalf("args\n%q\nwant\n%q\nline: %s", args, want, resp.Curl())
	}

	// A token request: form fields, the secret ones as placeholders.
	form := url.Values{"client_id": {"app"}, "client_secret": {"s3cr3t-value"}, "scope": {"https://graph.microsoft.com/.default"}}
	hr, err := c.HTTPClient().PostForm(srv.URL+"/t/oauth2/v2.0/token", form)
	if err != nil {
		t.Fatal(err)
	}
	hr.Body.Close()
	tr := c.Trace()
	line := tr[len(tr)-1].Curl()
	if strings.Contains(line, "s3cr3t") {
		t.Fatal("secret in curl line")
	}
	args = shellArgs(t, line, "CLIENT_SECRET=from-env")
	joined := strings.Join(args, "\n")
	for _, w := range []string{"--data-urlencode\nclient_id=app", "--data-urlencode\nclient_secret=from-env", "--data-urlencode\nscope=https://graph.microsoft.com/.default"} {
		if !strings.Contains(joined, w) {
			t.Fatalf("missing %q in\n%s", w, joined)
		}
	}
	if strings.Contains(joined, "-X") {
		t.Fatalf("POST with data needs no -X: %s", joined)
	}

	// A JSON body with a secret member and a DELETE.
	resp, _ = c.Do(ctx, &Request{Method: "PATCH", URL: srv.URL + "/v1.0/users/x", Body: []byte(`{"passwordProfile":{"password":"Pa$$w0rd'x"}}`)})
	args = shellArgs(t, resp.Curl(), "PASSWORD=new-pw", "TOKEN=t")
	if got := args[len(args)-1]; got != `{"passwordProfile":{"password":"new-pw"}}` || args[len(args)-2] != "--data" || args[0] != "-X" || args[1] != "PATCH" {
		t.Fatalf("args %q", args)
	}
	resp, _ = c.Do(ctx, &Request{Method: "DELETE", URL: srv.URL + "/v1.0/groups/1", NoAuth: true})
	if args := shellArgs(t, resp.Curl()); strings.Join(args, " ") != "-X DELETE "+srv.URL+"/v1.0/groups/1" {
		t.Fatalf("args %q", args)
	}
}

func TestCurlBasicAuth(t *testing.T) {
	srv, c, _ := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}), Options{})
	req, _ := http.NewRequest("POST", srv.URL+"/oidc/v1/token", strings.NewReader("grant_type=client_credentials&scope=all-apis"))
	req.SetBasicAuth("sp-client-id", "dose-secret-value")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	e := c.Trace()[0]
	if e.ReqHeader.Get("Authorization") != "Basic ***" {
		t.Fatal(e.ReqHeader)
	}
	args := shellArgs(t, e.Curl(), "CLIENT_SECRET=cs")
	if args[1] != "-u" || args[2] != "sp-client-id:cs" {
		t.Fatalf("args %q", args)
	}
}
