package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAPIFields: azrepl api's -f/-F fields as gh api has them, against the
// emulator over TLS: the JSON body a Graph $batch and an ARM resource group
// receive (typed values seen by what the service accepts or refuses), a
// file's text, nesting and arrays, fields as the query of a GET, -i's
// status line and headers with no token in them, and every bad field a
// one-line usage error, exit 2.
func TestAPIFields(t *testing.T) {
	_, _, env := accountSetup(t)
	if r := robustRun(t, env, "login"); r.code != 0 {
		t.Fatalf("login: %s", r.stderr)
	}

	// An array of objects with a nested header: Graph's $batch runs both.
	r := robustRun(t, env, "api", "/v1.0/$batch",
		"-f", "requests[][id]=1", "-f", "requests[][method]=GET", "-f", "requests[][url]=/me",
		"-f", "requests[][id]=2", "-f", "requests[][method]=GET", "-f", "requests[][url]=/groups/$count",
		"-f", "requests[][headers][ConsistencyLevel]=eventual", "--query", "responses.#.status")
	if r.code != 0 || strings.Join(strings.Fields(r.stdout), "") != "[200,200]" {
		t.Errorf("$batch from fields: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	// -F makes 1 a number, and Graph wants an id string.
	r = robustRun(t, env, "api", "/v1.0/$batch", "-F", "requests[][id]=1", "-f", "requests[][method]=GET", "-f", "requests[][url]=/me")
	if r.code != 7 || !strings.Contains(r.stderr, "Invalid batch payload format") {
		t.Errorf("$batch with a number id: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}

	// GET with fields: the query string (ARM's api-version too).
	r = robustRun(t, env, "api", "/subscriptions", "-X", "GET", "-f", "api-version=2022-12-01", "--query", "value.0.subscriptionId")
	sub := strings.TrimSpace(r.stdout)
	if r.code != 0 || len(sub) != 36 {
		t.Fatalf("api-version as a field: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	r = robustRun(t, env, "api", "/v1.0/groups", "-X", "GET", "-F", "$top=2", "-f", "$select=displayName")
	var page struct{ Value []map[string]any }
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &page) != nil || len(page.Value) != 2 || len(page.Value[0]) != 1 || page.Value[0]["displayName"] == nil {
		t.Errorf("$top and $select as fields: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}

	// A resource group made from fields (the location from a file, tags
	// nested), -i showing the 201 and its headers, then read back.
	loc := filepath.Join(t.TempDir(), "location")
	if err := os.WriteFile(loc, []byte("westus"), 0o600); err != nil {
		t.Fatal(err)
	}
	rg := "/subscriptions/" + sub + "/resourceGroups/rg-fields"
	r = robustRun(t, env, "api", "-i", rg+"?api-version=2021-04-01", "-X", "PUT", "-F", "location=@"+loc, "-f", "tags[env]=dev", "-f", "tags[n]=7", "-F", "tags[empty]=null")
	head, body, found := strings.Cut(r.stdout, "\n\n")
	if r.code != 0 || !found || !strings.HasPrefix(head, "HTTP/1.1 201 Created\n") || !strings.Contains(head, "\nContent-Type: application/json") ||
		!strings.Contains(head, "\nX-Ms-Request-Id: ") || !json.Valid([]byte(body)) {
		t.Errorf("PUT -i: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	r = robustRun(t, env, "api", rg, "-X", "GET", "-f", "api-version=2021-04-01")
	var got struct {
		Location string
		Tags     map[string]string
	}
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &got) != nil || got.Location != "westus" ||
		len(got.Tags) != 3 || got.Tags["env"] != "dev" || got.Tags["n"] != "7" || got.Tags["empty"] != "" {
		t.Errorf("the group read back: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	// -F 7 and -F true are JSON numbers and booleans: ARM's tags refuse them.
	for _, typed := range []string{"tags[n]=7", "tags[b]=true"} {
		r = robustRun(t, env, "api", rg+"?api-version=2021-04-01", "-X", "PUT", "-F", "location=westus", "-F", typed)
		if r.code != 7 || !strings.Contains(r.stderr, "InvalidRequestContent") || !strings.Contains(r.stderr, "of type string") {
			t.Errorf("-F %s: exit %d, %q", typed, r.code, r.stderr)
		}
	}

	// -i on Graph and on another host's 404: the head on stdout, never a
	// token or an Authorization header; the 404's error still on stderr.
	r = robustRun(t, env, "api", "-i", "/v1.0/me", "--query", "displayName")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "HTTP/1.1 200 OK\n") || !strings.HasSuffix(r.stdout, "\n\nAlice Smith\n") || !strings.Contains(r.stdout, "\nRequest-Id: ") {
		t.Errorf("-i /v1.0/me: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	shown := r.stdout
	r = robustRun(t, env, "api", "--include", "https://login.microsoftonline.com/organizations/v2.0/nope")
	if r.code != 8 || !strings.HasPrefix(r.stdout, "HTTP/1.1 404 Not Found\n") || !strings.Contains(r.stderr, "NOT_FOUND") {
		t.Errorf("-i on a 404: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	shown += r.stdout
	for _, aud := range []string{"https://graph.microsoft.com", "https://management.azure.com"} {
		tok := strings.TrimSpace(robustRun(t, env, "token", aud).stdout)
		sig := tok[strings.LastIndexByte(tok, '.')+1:]
		if len(sig) < 20 || strings.Contains(shown, sig) {
			t.Errorf("-i shows the %s token (or none was read: %q)", aud, tok)
		}
	}
	if l := strings.ToLower(shown); strings.Contains(l, "authorization") || strings.Contains(l, "bearer") {
		t.Errorf("-i shows an Authorization header:\n%s", shown)
	}

	// Bad fields and clashing flags: one line, exit 2, nothing on stdout.
	for _, bad := range [][]string{
		{"-f", "novalue"},
		{"-F", "=v"},
		{"-f", "a[b=1"},
		{"-f", "a=1", "-f", "a[b]=2"},
		{"-f", "a=1", "--body", "{}"},
		{"-F", "a=@" + filepath.Join(t.TempDir(), "missing")},
		{"-f", "a=1", "-X", "DELETE"},
		{"-i", "--paginate"},
	} {
		r := robustRun(t, env, append([]string{"api", "/v1.0/groups"}, bad...)...)
		if r.code != 2 || r.stdout != "" || strings.Count(r.stderr, "\n") != 1 || !strings.HasPrefix(r.stderr, "azrepl: api: ") {
			t.Errorf("api %q: exit %d, %q %q", bad, r.code, r.stdout, r.stderr)
		}
	}
}
