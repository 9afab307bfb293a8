package cmd

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/azrepl/azrepl/bindings"
	"github.com/azrepl/azrepl/errcode"
	"github.com/azrepl/azrepl/httpx"
	"github.com/azrepl/azrepl/internal/safefile"
	"github.com/azrepl/azrepl/internal/suggest"
	"github.com/azrepl/azrepl/runtime"
	"github.com/dop251/goja"
)

// `azrepl api` is `gh api` for Microsoft's clouds: one call of graph.*,
// arm.* or a databricks() client — the very JS helpers, run in a runtime —
// so the token's audience, paging, errors and hints are theirs. A URL on
// another host goes through http.request, which picks the audience from the
// host. The body alone goes to stdout; errors and hints to stderr, with
// the exit status of the error's code.

const apiUsage = `Usage: azrepl api PATH|URL [-X METHOD] [-H 'K: V']... [-f|-F KEY=VALUE]... [--body JSON|@FILE|@-] [-i] [--paginate] [--query GJSON_PATH] [--service graph|arm|databricks]

Calls Microsoft Graph, Azure Resource Manager, a Databricks workspace, or
any URL, with a token of the current login for the right audience, and
prints the response body. PATH picks the service unless --service does:
/v1.0/…, /beta/… and other paths → Graph (relative to /v1.0, as graph.get);
/subscriptions/…, /providers/…, /tenants → ARM (needs ?api-version=);
/api/… → the Databricks workspace of DATABRICKS_HOST or a profile.
A URL goes to its host: graph.microsoft.com, management.azure.com and
*.azuredatabricks.net as above, any other host through http.request (the
audience by host: Key Vault, Storage…; --scope to choose).

Fields, as gh api takes them: -f KEY=VALUE is a string; -F KEY=VALUE is
true, false, null or an integer as JSON, @FILE or @- the file's (stdin's)
text, anything else a string. a[b]=v nests, a[]=v appends to an array,
a[] alone is an empty array. Fields make the method POST and the body a
JSON object; with -X GET they are the query string instead.

Flags:
`

var apiExamples = []string{
	"azrepl api /v1.0/me --query displayName",
	"azrepl api '/v1.0/groups?$select=displayName' --paginate --query '#.displayName'",
	"azrepl api '/subscriptions?api-version=2022-12-01' --query 'value.#.displayName'",
	"azrepl api /v1.0/me/sendMail -X POST --body @mail.json",
	"azrepl api /v1.0/groups -F displayName=Ops -F mailEnabled=false -F securityEnabled=true -f mailNickname=ops",
	"azrepl api /v1.0/groups -X GET -F '$top=5' -f '$select=displayName' --query 'value.#.displayName'",
	"azrepl api -i /v1.0/me",
	"azrepl api /api/2.1/jobs/list --paginate --query '#.settings.name'",
	"azrepl api 'https://myvault.vault.azure.net/secrets?api-version=7.4'",
}

var apiFlags = []flagSpec{
	{flagDef: flagDef{Name: "--method", Alias: "-X", Value: "METHOD", Choices: []string{"GET", "POST", "PUT", "PATCH", "DELETE"}}, Usage: "GET (default; POST with --body or fields), POST, PUT, PATCH, DELETE"},
	{flagDef: flagDef{Name: "--header", Alias: "-H", Value: "'K: V'"}, Repeat: true, Usage: "a request header (repeatable)"},
	{flagDef: flagDef{Name: "--raw-field", Alias: "-f", Value: "KEY=VALUE"}, Repeat: true, Usage: "a string field (repeatable)"},
	{flagDef: flagDef{Name: "--field", Alias: "-F", Value: "KEY=VALUE"}, Repeat: true, Usage: "a typed field: true, false, null, integers, @FILE (repeatable)"},
	{flagDef: flagDef{Name: "--body", Value: "JSON|@FILE"}, Usage: "the request body: text, @FILE, or @- for stdin"},
	{flagDef: flagDef{Name: "--include", Alias: "-i"}, Usage: "print the status line and headers (masked) before the body"},
	{flagDef: flagDef{Name: "--paginate"}, Usage: "follow the next links; prints every item as one JSON array"},
	{flagDef: flagDef{Name: "--query", Alias: "-q", Value: "PATH"}, Usage: "print only what this gjson path selects (strings unquoted)"},
	{flagDef: flagDef{Name: "--service", Value: "NAME", Choices: apiServices}, Usage: "graph, arm or databricks, whatever PATH looks like"},
	{flagDef: flagDef{Name: "--scope", Value: "SCOPE"}, Usage: "the token's scope instead of the service's own"},
	{flagDef: flagDef{Name: "--profile", Value: "P"}, Usage: "databricks: the ~/.databrickscfg profile"},
	{flagDef: flagDef{Name: "--host", Value: "H"}, Usage: "databricks: the workspace (default DATABRICKS_HOST or the profile's)"},
}

var apiServices = []string{"graph", "arm", "databricks"}

// apiCall is one parsed `azrepl api` command line.
type apiCall struct {
	Target   string
	Service  string // graph, arm, databricks or http
	Method   string
	Headers  map[string]string
	Body     *string
	Paginate bool
	Include  bool // -i: the status line and headers first
	Query    string
	Scope    string
	Host     string // databricks
	Profile  string // databricks
}

func parseAPI(args []string, stdin io.Reader) (apiCall, error) {
	p, err := parseFlags("api", apiFlags, args)
	if err != nil {
		return apiCall{}, err
	}
	if len(p.args) != 1 {
		return apiCall{}, &UsageError{"api: one PATH or URL is expected"}
	}
	c := apiCall{Target: p.args[0], Paginate: p.has("--paginate"), Include: p.has("--include"), Query: p.get("--query"), Scope: p.get("--scope"),
		Host: p.get("--host"), Profile: p.get("--profile"), Headers: map[string]string{}}
	for _, h := range p.values["--header"] {
		k, v, ok := strings.Cut(h, ":")
		if !ok || strings.TrimSpace(k) == "" || strings.ContainsAny(k, " \t\r\n") {
			return c, &UsageError{fmt.Sprintf("api: header %q is not 'Name: value'", h)}
		}
		c.Headers[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	var fields []apiField
	stdinRead := false
	for _, fv := range p.seq {
		if fv[0] == "--field" || fv[0] == "--raw-field" {
			f, err := parseField(fv[1], fv[0] == "--field", stdin, &stdinRead)
			if err != nil {
				return c, err
			}
			fields = append(fields, f)
		}
	}
	if p.has("--body") && len(fields) > 0 {
		return c, &UsageError{"api: --body or -f/-F fields, not both (fields make the body)"}
	}
	if p.has("--body") {
		b, err := readBody("--body ", p.get("--body"), stdin)
		if err != nil {
			return c, err
		}
		c.Body = &b
	}
	c.Method = strings.ToUpper(p.get("--method"))
	switch {
	case len(fields) > 0 && c.Method == "GET":
		c.Target = withQuery(c.Target, fieldsQuery(fields))
	case len(fields) > 0:
		b, err := fieldsBody(fields)
		if err != nil {
			return c, err
		}
		c.Body = &b
	}
	switch {
	case c.Method == "" && c.Body != nil:
		c.Method = "POST"
	case c.Method == "":
		c.Method = "GET"
	}
	switch c.Method {
	case "GET", "DELETE":
		if c.Body != nil {
			return c, &UsageError{"api: --body and fields go with -X POST, PUT or PATCH (fields with -X GET: the query)"}
		}
	case "POST", "PUT", "PATCH":
	default:
		return c, &UsageError{fmt.Sprintf("api: -X %s: use GET, POST, PUT, PATCH or DELETE", c.Method)}
	}
	if c.Paginate && c.Method != "GET" {
		return c, &UsageError{"api: --paginate lists with GET"}
	}
	if c.Paginate && c.Include {
		return c, &UsageError{"api: --include shows one answer's headers; --paginate makes several"}
	}
	if c.Service, err = apiService(c.Target, p.get("--service")); err != nil {
		return c, err
	}
	if c.Service != "databricks" && (c.Host != "" || c.Profile != "") {
		return c, &UsageError{"api: --host and --profile are for --service databricks"}
	}
	if c.Paginate && c.Service == "http" {
		return c, &UsageError{"api: --paginate follows Graph, ARM and Databricks next links; add --service"}
	}
	return c, nil
}

// readBody is the value of --body or -F: text, @FILE or @- (stdin); what
// names the value in errors ("--body ").
func readBody(what, v string, stdin io.Reader) (string, error) {
	switch {
	case v == "@-":
		b, err := io.ReadAll(io.LimitReader(stdin, maxAPIBody+1))
		if err == nil && len(b) > maxAPIBody {
			err = fmt.Errorf("more than %d bytes", maxAPIBody)
		}
		if err != nil {
			return "", &UsageError{"api: " + what + "@-: " + err.Error()}
		}
		return string(b), nil
	case strings.HasPrefix(v, "@"):
		b, err := safefile.Read(context.Background(), v[1:], maxAPIBody)
		if err != nil {
			return "", &UsageError{"api: " + what + v + ": " + err.Error()}
		}
		return string(b), nil
	}
	return v, nil
}

// maxAPIBody bounds a request body read from a file or stdin.
const maxAPIBody = 64 << 20

// apiService is the service a target goes to: --service, else its host
// or the shape of its path.
func apiService(target, service string) (string, error) {
	if service != "" {
		for _, s := range apiServices {
			if s == strings.ToLower(service) {
				return s, nil
			}
		}
		return "", &UsageError{fmt.Sprintf("api: unknown service %q (use graph, arm or databricks)%s", service, suggest.DidYouMean(service, apiServices))}
	}
	if strings.HasPrefix(target, "https://") || strings.HasPrefix(target, "http://") {
		u, err := url.Parse(target)
		if err != nil || u.Host == "" {
			return "", &UsageError{fmt.Sprintf("api: %q is not a URL", target)}
		}
		switch h := strings.ToLower(u.Hostname()); {
		case h == strings.TrimPrefix(bindings.GraphHost, "https://"):
			return "graph", nil
		case h == strings.TrimPrefix(bindings.ARMHost, "https://"):
			return "arm", nil
		case strings.HasSuffix(h, ".azuredatabricks.net"):
			return "databricks", nil
		}
		return "http", nil
	}
	path := "/" + strings.TrimPrefix(target, "/")
	for _, prefix := range []string{"/subscriptions", "/providers", "/tenants"} {
		if path == prefix || strings.HasPrefix(path, prefix+"/") || strings.HasPrefix(path, prefix+"?") {
			return "arm", nil
		}
	}
	if strings.HasPrefix(path, "/api/") {
		return "databricks", nil
	}
	return "graph", nil
}

// program is the JS of the call: the data stays in args (target, options,
// body, Databricks options); the source holds only fixed names.
func (c apiCall) program() (src string, args []string, err error) {
	opts := map[string]any{}
	if len(c.Headers) > 0 {
		opts["headers"] = c.Headers
	}
	if c.Scope != "" {
		opts["scope"] = c.Scope
	}
	rawOpts, err := json.Marshal(opts)
	if err != nil {
		return "", nil, err
	}
	dbOpts := map[string]string{}
	if c.Host != "" {
		dbOpts["host"] = c.Host
	} else if c.Service == "databricks" && strings.HasPrefix(c.Target, "https://") {
		u, _ := url.Parse(c.Target)
		dbOpts["host"] = "https://" + u.Host
	}
	if c.Profile != "" {
		dbOpts["profile"] = c.Profile
	}
	rawDB, err := json.Marshal(dbOpts)
	if err != nil {
		return "", nil, err
	}
	body := ""
	if c.Body != nil {
		body = *c.Body
	}
	args = []string{c.Target, string(rawOpts), body, string(rawDB)}
	var client string
	switch c.Service {
	case "graph", "arm":
		client = c.Service
	case "databricks":
		client = "databricks(JSON.parse(args[3]))"
	default:
		src = fmt.Sprintf("http.request(Object.assign({method: %s, url: args[0]%s}, JSON.parse(args[1])))",
			strconv.Quote(c.Method), map[bool]string{true: ", body: args[2]"}[c.Body != nil])
		return src, args, nil
	}
	m := strings.ToLower(c.Method)
	switch {
	case c.Paginate:
		src = client + ".all(args[0], JSON.parse(args[1]))"
	case c.Body != nil:
		src = client + "." + m + "(args[0], args[2], JSON.parse(args[1]))"
	default:
		src = client + "." + m + "(args[0], JSON.parse(args[1]))"
	}
	return src, args, nil
}

func apiMain(ctx context.Context, o Options, stdout, stderr io.Writer) int {
	c, err := parseAPI(o.Args, os.Stdin)
	if err != nil {
		return usageFail(stdout, stderr, "api", apiUsage+flagTable(apiFlags), err)
	}
	src, args, err := c.program()
	if err != nil {
		return commandFail(stderr, "api", err, o.Debug)
	}
	w, err := setup(ctx, o, stderr)
	if err != nil {
		return commandFail(stderr, "api", err, o.Debug)
	}
	defer w.close()
	rt, err := runtime.New(runtime.Options{Stdout: stdout, Stderr: stderr, Args: args, Debug: o.Debug, Environ: w.environ(), Setup: w.setupEnv})
	if err != nil {
		return commandFail(stderr, "api", err, o.Debug)
	}
	defer rt.Close()
	v, err := rt.Eval(ctx, jsCallName, src)
	if err != nil {
		return commandFail(stderr, "api", err, o.Debug)
	}
	var out, head []byte
	rt.Do(func(vm *goja.Runtime) {
		res, isAnswer := bindings.Answer(v)
		if isAnswer && c.Include {
			head = responseHead(res)
		}
		if isAnswer && res.Status >= 400 {
			// http.request answers any status; graph, arm and databricks throw.
			err = answerError(res)
			return
		}
		out, err = apiOutput(v, c.Query, isTerminalWriter(stdout))
	})
	if _, werr := stdout.Write(head); err == nil && werr != nil {
		err = werr
	}
	if err == nil {
		_, err = stdout.Write(out)
	}
	if err != nil {
		return commandFail(stderr, "api", err, o.Debug)
	}
	return 0
}

// apiOutput is what azrepl api prints for the call's value: a Response's
// body (indented on a terminal when it is JSON, exact into a pipe), the
// items of --paginate as one JSON array, or what --query selects. Runs on
// the runtime goroutine.
func apiOutput(v goja.Value, query string, terminal bool) ([]byte, error) {
	if query != "" {
		return renderResult(nil, v, resultShape{Query: query, Terminal: terminal})
	}
	body, isResponse := runtime.ResponseBody(v)
	switch {
	case isResponse && len(body) == 0:
		return nil, nil
	case !isResponse:
		doc, err := valueJSON(v)
		if err != nil {
			return nil, err
		}
		return indentJSON(doc), nil
	case terminal && len(body) > 0 && json.Valid(body):
		return indentJSON(body), nil
	case terminal:
		return resultShape{Terminal: true}.text(string(body)), nil
	}
	return runtime.WholeBody(body), nil
}

// answerError is a non-2xx answer of http.request as the error the
// service helpers throw: the service's own code and message from its error
// envelope (httpx reads Graph's, ARM's, Databricks', Entra's…), the status's
// code in errcode's table and its hint.
func answerError(res *httpx.Response) error {
	se := httpx.ParseServiceError(res.Status, res.Header, res.Body, res.URL)
	se.Method, se.URL = res.Method, res.URL
	return &bindings.Error{Code: cmp.Or(errcode.Status(res.Status).Code, errcode.HTTPError), Status: res.Status, Message: se.Error(),
		Hint: cmp.Or(errcode.ServiceHint(se.Code, se.Message), errcode.Status(res.Status).Hint)}
}
