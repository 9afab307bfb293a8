package cmd

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/auth"
	"github.com/azrepl/azrepl/bindings"
	"github.com/azrepl/azrepl/httpx"
	"github.com/dop251/goja"
)

// TestLoginFlagsFollowLoginOptions: every key of login(opts) is a flag of
// azrepl login in kebab case, or a secret that is refused as a flag; the
// usage table names no key that login() lacks.
func TestLoginFlagsFollowLoginOptions(t *testing.T) {
	specs, keyOf := loginFlags()
	flags := map[string]flagSpec{}
	for _, s := range specs {
		flags[s.Name] = s
	}
	opts := map[string]bool{}
	for _, opt := range bindings.LoginOptions() {
		opts[opt.Name] = true
		if _, secret := secretOptions[opt.Name]; secret {
			if _, ok := flags[kebab(opt.Name)]; ok {
				t.Errorf("secret option %s is a flag", opt.Name)
			}
			continue
		}
		f, ok := flags[kebab(opt.Name)]
		if !ok || keyOf[f.Name] != opt.Name {
			t.Errorf("login option %s has no flag %s", opt.Name, kebab(opt.Name))
			continue
		}
		if f.Repeat != opt.List {
			t.Errorf("flag %s repeats = %v, option is a list = %v", f.Name, f.Repeat, opt.List)
		}
		if loginFlagUsage[opt.Name] == "" {
			t.Errorf("flag %s has no usage line", f.Name)
		}
	}
	for key := range loginFlagUsage {
		if !opts[key] {
			t.Errorf("loginFlagUsage names %q, which login() does not take", key)
		}
	}
	if len(opts) < 10 || !opts["flow"] || !opts["clientId"] {
		t.Fatalf("login options = %v", opts)
	}
	if got := kebab("clientId"); got != "--client-id" {
		t.Errorf("kebab(clientId) = %s", got)
	}
}

func TestLoginRefusesSecretFlags(t *testing.T) {
	for _, args := range [][]string{{"login", "--client-secret", "s3cr3t-value"}, {"login", "--password=s3cr3t-value"}} {
		var out, errOut bytes.Buffer
		code := Main(args, nil, &out, &errOut)
		if code != 2 || out.Len() != 0 || strings.Contains(errOut.String(), "s3cr3t-value") ||
			!strings.Contains(errOut.String(), "shell history") || strings.Count(errOut.String(), "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out.String(), errOut.String())
		}
	}
}

func TestAPIServiceFromTarget(t *testing.T) {
	for _, c := range []struct{ target, service, want string }{
		{"/v1.0/me", "", "graph"},
		{"/beta/users", "", "graph"},
		{"me", "", "graph"},
		{"/subscriptions?api-version=2022-12-01", "", "arm"},
		{"/subscriptions/x/resourceGroups?api-version=1", "", "arm"},
		{"/providers/Microsoft.Resources/operations?api-version=1", "", "arm"},
		{"/tenants?api-version=2022-12-01", "", "arm"},
		{"/subscriptionsX", "", "graph"},
		{"/api/2.1/jobs/list", "", "databricks"},
		{"https://graph.microsoft.com/v1.0/me", "", "graph"},
		{"https://management.azure.com/subscriptions?api-version=1", "", "arm"},
		{"https://adb-1.2.azuredatabricks.net/api/2.0/clusters/list", "", "databricks"},
		{"https://myvault.vault.azure.net/secrets?api-version=7.4", "", "http"},
		{"/v1.0/me", "ARM", "arm"},
	} {
		got, err := apiService(c.target, c.service)
		if err != nil || got != c.want {
			t.Errorf("apiService(%q, %q) = %q, %v; want %q", c.target, c.service, got, err, c.want)
		}
	}
	_, err := apiService("/x", "grpah")
	if err == nil || !strings.Contains(err.Error(), "did you mean graph?") {
		t.Errorf("--service grpah: %v", err)
	}
}

func TestParseAPI(t *testing.T) {
	c, err := parseAPI([]string{"/v1.0/me", "-H", "ConsistencyLevel: eventual", "--query=displayName"}, nil)
	if err != nil || c.Method != "GET" || c.Headers["ConsistencyLevel"] != "eventual" || c.Query != "displayName" || c.Service != "graph" {
		t.Fatalf("parseAPI = %+v, %v", c, err)
	}
	c, err = parseAPI([]string{"/v1.0/$batch", "--body", "@-"}, strings.NewReader(`{"requests":[]}`))
	if err != nil || c.Method != "POST" || c.Body == nil || *c.Body != `{"requests":[]}` {
		t.Fatalf("--body @- = %+v, %v", c, err)
	}
	for _, bad := range [][]string{
		{},
		{"/a", "/b"},
		{"/v1.0/me", "-X", "GET", "--body", "{}"},
		{"/v1.0/me", "-X", "HEAD"},
		{"/v1.0/me", "-H", "no colon"},
		{"/v1.0/me", "--paginate", "-X", "POST", "--body", "{}"},
		{"https://example.vault.azure.net/x", "--paginate"},
		{"/v1.0/me", "--host", "adb-1.azuredatabricks.net"},
		{"/v1.0/me", "--body", "@/nonexistent/file.json"},
		{"/v1.0/me", "--bdoy", "{}"},
	} {
		if _, err := parseAPI(bad, nil); err == nil {
			t.Errorf("parseAPI(%q) accepted", bad)
		} else if !errors.As(err, new(*UsageError)) {
			t.Errorf("parseAPI(%q): %v is not a usage error", bad, err)
		}
	}
}

// TestAPIProgramKeepsDataOutOfTheSource: the JS run for a call names only
// fixed identifiers; path, headers and body travel in args.
func TestAPIProgramKeepsDataOutOfTheSource(t *testing.T) {
	body := `{"x":"'); exit(9); ('"}`
	for _, args := range [][]string{
		{"/v1.0/me'); exit(9); ('", "-H", "X-A: ');exit(9);('"},
		{"/v1.0/groups", "--paginate"},
		{"/api/2.0/clusters/list", "--profile", "p'x"},
		{"/v1.0/$batch", "--body", body},
		{"https://example.vault.azure.net/x'y", "-X", "PUT", "--body", body},
	} {
		c, err := parseAPI(args, nil)
		if err != nil {
			t.Fatal(err)
		}
		src, jsArgs, err := c.program()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(src, "'") || strings.Contains(src, "exit") {
			t.Errorf("%q: source %q holds data", args, src)
		}
		if _, err := goja.Compile("x", src, true); err != nil {
			t.Errorf("%q: %s does not compile: %v", args, src, err)
		}
		if jsArgs[0] != c.Target {
			t.Errorf("args[0] = %q", jsArgs[0])
		}
	}
}

func TestOutputFlagsGoWithEval(t *testing.T) {
	o, err := Parse([]string{"-e", "1", "-o", "json", "--query=a.b"})
	if err != nil || o.Output != "json" || o.Query != "a.b" {
		t.Fatalf("Parse = %+v, %v", o, err)
	}
	for _, bad := range [][]string{{"-o", "json"}, {"-e", "1", "-o", "yaml"}, {"--query", "x"}, {"-e", "1", "--query="}, {"-o", "raw", "run", "x.js"}, {"-e", "1", "-o"}} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

// TestRenderResult: a Response prints its whole body into a pipe, its
// summary on a terminal; -o and --query choose the form.
func TestRenderResult(t *testing.T) {
	vm := goja.New()
	conv, err := bindings.NewJSONConverter(vm)
	if err != nil {
		t.Fatal(err)
	}
	var items []map[string]any
	for i := range 300 {
		items = append(items, map[string]any{"id": i, "displayName": "group " + strings.Repeat("x", i%7)})
	}
	big, _ := json.Marshal(map[string]any{"value": items, "name": "a\x1b[31mb"})
	if len(big) < 8<<10 {
		t.Fatalf("body of %d bytes is too small to show the cut", len(big))
	}
	resp := bindings.NewResponse(vm, conv, &httpx.Response{Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: big, Method: "GET", URL: "https://graph.microsoft.com/v1.0/groups"})
	text := bindings.NewResponse(vm, conv, &httpx.Response{Status: 200, Body: []byte("plain\n"), Method: "GET", URL: "https://x/"})

	out, err := renderResult(vm, resp, resultShape{})
	if err != nil || !bytes.Equal(out, append(big, '\n')) {
		t.Errorf("pipe: %d bytes, %v; want the body whole (%d bytes)", len(out), err, len(big))
	}
	out, _ = renderResult(vm, resp, resultShape{Terminal: true})
	if !bytes.HasPrefix(out, []byte("200 OK")) || !bytes.Contains(out, []byte("shown of")) {
		t.Errorf("terminal: %.80q", out)
	}
	out, _ = renderResult(vm, resp, resultShape{Query: "name", Terminal: true})
	if bytes.ContainsRune(out, 0x1b) {
		t.Errorf("--query string on a terminal = %q (escape shown escaped expected)", out)
	}
	if _, err := renderResult(vm, resp, resultShape{Query: "nope"}); !errors.Is(err, errNoMatch) {
		t.Errorf("--query nope: %v", err)
	}
	obj, _ := vm.RunString(`({a: [1, "x"]})`)
	for _, c := range []struct {
		what  string
		v     goja.Value
		shape resultShape
		want  string
	}{
		{"--query value.#.id|@reverse|0", resp, resultShape{Query: "value.#.id|@reverse|0"}, "299\n"},
		{"--query string into a pipe (exact text expected)", resp, resultShape{Query: "name"}, "a\x1b[31mb\n"},
		{"--query -o json", resp, resultShape{Query: "name", Output: "json"}, "\"a\\u001b[31mb\"\n"},
		{"-o json of a text body", text, resultShape{Output: "json"}, "\"plain\\n\"\n"},
		{"-o raw of a text body", text, resultShape{Output: "raw"}, "plain\n"},
		{"-o json of an object", obj, resultShape{Output: "json"}, "{\n  \"a\": [\n    1,\n    \"x\"\n  ]\n}\n"},
		{"-o raw of a string", vm.ToValue("tok"), resultShape{Output: "raw"}, "tok\n"},
		{"-o json of undefined", goja.Undefined(), resultShape{Output: "json"}, ""},
	} {
		if out, err := renderResult(vm, c.v, c.shape); err != nil || string(out) != c.want {
			t.Errorf("%s = %q, %v; want %q", c.what, out, err, c.want)
		}
	}
}

func TestShellAdvice(t *testing.T) {
	for in, want := range map[string]string{
		`not signed in: run login() first (or login({flow: "azcli"}) to reuse an az login)`:             `not signed in: run azrepl login first (or azrepl login --flow azcli to reuse an az login)`,
		`kept in memory only: run login({flow: "secret", tenant: "f3f4", clientId: "ae9f", ...}) again`: `kept in memory only: run azrepl login --flow secret --tenant f3f4 --client-id ae9f again`,
		`run login({flow: "device", scope: "https://graph.microsoft.com/.default"}) and complete`:       `run azrepl login --flow device --scope https://graph.microsoft.com/.default and complete`,
		`run login({clientId: "a b'c"})`:                      `run azrepl login --client-id 'a b'\''c'`,
		`"nobody" is not signed in (accounts() lists who is)`: `"nobody" is not signed in (azrepl status lists who is)`,
		`token("x", {force: true})`:                           `token("x", {force: true})`,
	} {
		if got := shellAdvice(in); got != want {
			t.Errorf("shellAdvice(%s)\n = %s\nwant %s", in, got, want)
		}
	}
}

// TestLoginHelpListsEveryFlow: azrepl login --help and login()'s help list
// the flows auth registers, each with its line.
func TestLoginHelpListsEveryFlow(t *testing.T) {
	jsHelp, ok := bindings.HelpFor("login")
	if !ok {
		t.Fatal("login() has no help")
	}
	for _, f := range auth.Flows() {
		for name, text := range map[string]string{"azrepl login --help": loginUsage(), ".help login": jsHelp} {
			if !strings.Contains(text, "  "+f.Name+"  ") || !strings.Contains(text, strings.Fields(f.Summary)[0]) {
				t.Errorf("%s does not list the flow %s", name, f.Name)
			}
		}
	}
}
