package bindings

import (
	"cmp"
	"errors"
	"fmt"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/azrepl/azrepl/auth"
	"github.com/azrepl/azrepl/errcode"
	"github.com/azrepl/azrepl/explain"
	"github.com/azrepl/azrepl/httpx"
	"github.com/dop251/goja"
	"github.com/mattn/go-isatty"
)

func init() {
	Register(Binding{
		Name: "http",
		Help: `http.get(url, opts) / post(url, body, opts) / put / patch / delete(url, opts) / request({method, url, ...}) — any HTTP call
  The bearer token is chosen from the URL's host (Graph, ARM, *.azuredatabricks.net, Key Vault, Storage,
  and hosts added with http.setScope). Non-2xx answers are returned (ok === false), not thrown.
  opts  scope: "…/.default" (override), auth: false (no token), headers: {…}, query: {…},
        timeout: ms, body: object (sent as JSON) or string, form: {…} (x-www-form-urlencoded)
  Response: status, ok, headers (lower-case), text, json, get(gjsonPath), curl(), url, duration (ms)
  http.batch([url | {method, url, body, headers, …}, …]) — concurrent, answers (or errors) in order
  http.scope(url) — the scope whose token goes to url; http.setScope("api.contoso.com", "api://…/.default")
  Example: http.get("https://graph.microsoft.com/v1.0/me").get("displayName")`,
		Value: callerValue("http", func(c *caller) goja.Value { return c.httpObject() }),
	})
}

// caller holds what every HTTP-speaking binding needs.
type caller struct {
	name string // the binding, for option errors: "http", "graph"…
	env  *Env
	rt   *goja.Runtime
	conv *JSONConverter
}

func newCaller(env *Env, rt *goja.Runtime) (*caller, error) {
	conv, err := NewJSONConverter(rt)
	if err != nil {
		return nil, err
	}
	conv.SetContext(env.Context)
	return &caller{env: env, rt: rt, conv: conv}, nil
}

// callerValue is the Value of a binding that speaks HTTP: value makes the
// global of a caller named name.
func callerValue(name string, value func(*caller) goja.Value) func(*Env, *goja.Runtime) (goja.Value, error) {
	return func(env *Env, rt *goja.Runtime) (goja.Value, error) {
		c, err := newCaller(env, rt)
		if err != nil {
			return nil, err
		}
		c.name = name
		return value(c), nil
	}
}

func (c *caller) client() *httpx.Client {
	if c.env.HTTP == nil {
		Throw(c.rt, &Error{Code: errcode.NoClient, Message: "HTTP is not available in this runtime (offline mode)"})
	}
	return c.env.HTTP
}

func (c *caller) httpObject() *goja.Object {
	o := c.rt.NewObject()
	withBody := func(method string) func(goja.FunctionCall) goja.Value {
		return func(call goja.FunctionCall) goja.Value {
			req := c.request(method, call.Argument(0), call.Argument(2))
			c.setBody(req, call.Argument(1))
			return c.send(req)
		}
	}
	noBody := func(method string) func(goja.FunctionCall) goja.Value {
		return func(call goja.FunctionCall) goja.Value {
			return c.send(c.request(method, call.Argument(0), call.Argument(1)))
		}
	}
	_ = o.Set("get", noBody("GET"))
	_ = o.Set("head", noBody("HEAD"))
	_ = o.Set("delete", noBody("DELETE"))
	_ = o.Set("post", withBody("POST"))
	_ = o.Set("put", withBody("PUT"))
	_ = o.Set("patch", withBody("PATCH"))
	_ = o.Set("request", func(call goja.FunctionCall) goja.Value {
		spec := call.Argument(0)
		if _, ok := spec.(*goja.Object); !ok {
			Throw(c.rt, &Error{Name: "TypeError", Code: errcode.BadArgument, Message: "http.request({method, url, …}): an object is expected"})
		}
		return c.send(c.specRequest("http.request(spec)", spec))
	})
	_ = o.Set("batch", func(call goja.FunctionCall) goja.Value { return c.batch(call.Argument(0)) })
	_ = o.Set("scope", func(u goja.Value) goja.Value {
		if s, ok := c.client().ScopeFor(stringArg(c.rt, "http.scope(url)", "url", u)); ok {
			return c.rt.ToValue(s)
		}
		return goja.Undefined()
	})
	_ = o.Set("setScope", func(host, scope goja.Value) {
		const fn = "http.setScope(host, scope)"
		if err := c.client().SetScope(stringArg(c.rt, fn, "host", host), stringArg(c.rt, fn, "scope", scope)); err != nil {
			Throw(c.rt, &Error{Name: "TypeError", Code: errcode.BadArgument, Message: err.Error(), Err: err})
		}
	})
	return o
}

// request builds a Request from a URL and an opts object (requestOptions).
func (c *caller) request(method string, u, opts goja.Value) *httpx.Request {
	var o requestOptions
	decodeOpts(c.rt, c.label(method), opts, &o)
	return c.newRequest(method, u, &o)
}

// label names a call in option errors: "graph.get(…, opts)".
func (c *caller) label(method string) string {
	name := c.name
	if name == "" {
		name = "http"
	}
	return fmt.Sprintf("%s.%s(…, opts)", name, strings.ToLower(method))
}

// newRequest builds a Request from a URL and decoded options.
func (c *caller) newRequest(method string, u goja.Value, o *requestOptions) *httpx.Request {
	if u == nil || goja.IsUndefined(u) || goja.IsNull(u) || u.String() == "" {
		Throw(c.rt, &Error{Name: "TypeError", Code: errcode.BadArgument, Message: fmt.Sprintf("http.%s(url, …): a URL is expected", strings.ToLower(method))})
	}
	if !isURLValue(u) {
		Throw(c.rt, argError(fmt.Sprintf("http.%s(url, …)", strings.ToLower(method)), "url must be a string or a URL, not "+typeName(u)))
	}
	req := &httpx.Request{Method: method, URL: u.String()}
	if o != nil {
		o.apply(req)
	}
	return req
}

// specRequest reads {method, url, body, form, ...} (http.request, batch items).
func (c *caller) specRequest(fn string, v goja.Value) *httpx.Request {
	var o specOptions
	decodeOpts(c.rt, fn, v, &o)
	method := "GET"
	if o.Method != "" {
		method = strings.ToUpper(o.Method)
	}
	req := c.newRequest(method, c.rt.ToValue(o.URL), &o.requestOptions)
	c.setBody(req, o.Body)
	return req
}

func (o *requestOptions) apply(req *httpx.Request) {
	req.Scope = o.Scope
	if o.Auth != nil && !*o.Auth {
		req.NoAuth = true
	}
	if o.Timeout > 0 {
		req.Timeout = time.Duration(o.Timeout * float64(time.Millisecond))
	}
	if o.Headers != nil {
		req.Header = map[string][]string{}
		for k, v := range o.Headers {
			req.Header.Set(k, v)
		}
	}
	if o.Query != nil {
		req.Query = url.Values{}
		for k, v := range o.Query {
			req.Query.Set(k, v)
		}
	}
	if o.Form != nil {
		form := url.Values{}
		for k, v := range o.Form {
			form.Set(k, v)
		}
		req.Body = []byte(form.Encode())
		req.ContentType = "application/x-www-form-urlencoded"
	}
}

// setBody: a string is sent as is, anything else as JSON.
func (c *caller) setBody(req *httpx.Request, body goja.Value) {
	if body == nil || goja.IsUndefined(body) || goja.IsNull(body) {
		return
	}
	if s, ok := body.Export().(string); ok {
		req.Body = []byte(s)
		if req.ContentType == "" && !looksJSON(s) {
			req.ContentType = "text/plain; charset=utf-8"
		}
		return
	}
	b, err := jsonOf(body)
	if err != nil {
		Throw(c.rt, &Error{Name: "TypeError", Code: errcode.BadArgument, Message: "request body: " + err.Error(), Err: err})
	}
	req.Body = b
	req.ContentType = "application/json"
}

func looksJSON(s string) bool {
	s = strings.TrimSpace(s)
	return strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[")
}

// do sends req; a transport failure throws.
func (c *caller) do(req *httpx.Request) *httpx.Response {
	resp, err := c.client().Do(c.env.Context(), req)
	if err != nil {
		Throw(c.rt, c.transportError(err))
	}
	return resp
}

// send is http.*: any status is a Response.
func (c *caller) send(req *httpx.Request) goja.Value {
	return NewResponse(c.rt, c.conv, c.do(req))
}

func (c *caller) transportError(err error) *Error {
	var be *Error
	if errors.As(err, &be) {
		return be
	}
	code := errcode.Of(err)
	e := &Error{Code: code, Message: c.client().Redact(err.Error()), Err: err}
	var te *httpx.TransportError
	var ee *auth.EntraError
	switch {
	case code == errcode.Cancelled:
		e.Message = "interrupted"
	case errors.As(err, &ee):
		// getting the token failed: Entra's fields and hint
		e.Status, e.Hint = ee.HTTPStatus, ee.Hint()
		if len(ee.Codes) > 0 {
			e.AADSTS = fmt.Sprintf("AADSTS%d", ee.Codes[0])
		}
	case errors.As(err, &te) && (code == "" || code == errcode.Network):
		e.Code = errcode.Network
		e.Hint = errcode.NoAnswerHint
	}
	if e.Code == "" {
		e.Code = errcode.BadRequest
	}
	return e
}

// batch runs the items concurrently; each answer is a Response, or an Error
// object for a call that got no answer.
func (c *caller) batch(items goja.Value) goja.Value {
	arr := arrayArg(c.rt, "http.batch(requests)", "requests", "URLs or {method, url, …}", items)
	n := int(arr.Get("length").ToInteger())
	reqs := make([]*httpx.Request, n)
	for i := 0; i < n; i++ {
		v := arr.Get(fmt.Sprint(i))
		if _, ok := v.(*goja.Object); ok {
			reqs[i] = c.specRequest(fmt.Sprintf("http.batch item %d", i), v)
		} else {
			reqs[i] = c.request("GET", v, nil)
		}
	}
	results := c.client().Batch(c.env.Context(), reqs, 0)
	out := make([]any, n)
	for i, r := range results {
		if r.Err != nil {
			out[i] = ErrorValue(c.rt, c.transportError(r.Err))
			continue
		}
		out[i] = NewResponse(c.rt, c.conv, r.Response)
	}
	return c.rt.NewArray(out...)
}

// check returns resp when it is 2xx and otherwise throws the service's error
// with the kind of failure as code (FORBIDDEN…), the service's own code as
// serviceCode, and a hint built from the token that was sent.
// setMethods defines the service methods on o: get and delete (path, opts),
// post, put and patch (path, body, opts). Each builds its request with
// build, sends it and throws on a non-2xx answer, with perm naming the
// permission such a call usually needs.
func (c *caller) setMethods(o *goja.Object, build func(method, path string, opts goja.Value) *httpx.Request, perm func(method, path string) string) {
	for _, m := range []struct {
		name    string
		hasBody bool
	}{{"get", false}, {"delete", false}, {"post", true}, {"put", true}, {"patch", true}} {
		method, hasBody := strings.ToUpper(m.name), m.hasBody
		fn := c.name + "." + m.name + "(path, opts)"
		if hasBody {
			fn = c.name + "." + m.name + "(path, body, opts)"
		}
		_ = o.Set(m.name, func(fc goja.FunctionCall) goja.Value {
			opts := fc.Argument(1)
			if hasBody {
				opts = fc.Argument(2)
			}
			req := build(method, stringArg(c.rt, fn, "path", fc.Argument(0)), opts)
			if hasBody {
				c.setBody(req, fc.Argument(1))
			}
			resp := c.check(req, c.do(req), c.sentToken(req), perm)
			return NewResponse(c.rt, c.conv, resp)
		})
	}
}

func (c *caller) check(req *httpx.Request, resp *httpx.Response, sent func() string, permHint func(method, path string) string) *httpx.Response {
	if resp.OK() {
		return resp
	}
	var se *httpx.ServiceError
	if !errors.As(resp.Err(), &se) {
		return resp
	}
	panic(c.serviceErrorValue(se, sent, permHint))
}

func (c *caller) serviceErrorValue(se *httpx.ServiceError, sent func() string, permHint func(method, path string) string) *goja.Object {
	code := cmp.Or(errcode.Status(se.Status).Code, errcode.HTTPError)
	e := &Error{Code: code, Status: se.Status, Message: c.client().Redact(se.Error()), Err: se}
	e.Hint = c.hintFor(se, sent, permHint)
	obj := ErrorValue(c.rt, e)
	if se.Code != "" {
		_ = obj.Set("serviceCode", se.Code)
	}
	_ = obj.Set("serviceMessage", c.client().Redact(se.Message))
	if se.RequestID != "" {
		_ = obj.Set("requestId", se.RequestID)
	}
	_ = obj.Set("url", se.URL)
	return obj
}

// tokenClaims decodes a JWT without checking it; nil when it is not one
// (a Databricks PAT, no token).
func tokenClaims(tok string) map[string]any {
	if tok == "" {
		return nil
	}
	j, err := auth.DecodeJWT(tok)
	if err != nil {
		return nil
	}
	return j.Claims
}

// sentToken is the bearer token a request went out with: its own
// Authorization header, else the session's (cached) token for its scope.
func (c *caller) sentToken(req *httpx.Request) func() string {
	return func() string {
		if h := req.Header.Get("Authorization"); h != "" {
			_, tok, _ := strings.Cut(h, " ")
			return tok
		}
		if req.NoAuth || c.env.Auth == nil {
			return ""
		}
		scope := req.Scope
		if scope == "" {
			scope, _ = c.client().ScopeFor(req.URL)
		}
		if scope == "" {
			return ""
		}
		t, err := c.env.Auth.Token(c.env.Context(), scope, auth.TokenOptions{})
		if err != nil {
			return ""
		}
		return t.AccessToken
	}
}

// expectedClaim is the value in "Expected X claim to be: V, but was: …".
func expectedClaim(msg string) string {
	_, v, _ := strings.Cut(msg, " to be: ")
	v, _, _ = strings.Cut(v, ", but was:")
	return v
}

func (c *caller) hintFor(se *httpx.ServiceError, sent func() string, permHint func(method, path string) string) string {
	claims := tokenClaims(sent())
	path := se.URL
	if u, err := url.Parse(se.URL); err == nil {
		path = u.Path
	}
	wrongClaim := se.Code == httpx.IncorrectClaimCode
	switch {
	case wrongClaim && strings.HasPrefix(se.Message, "Expected iss claim"):
		return fmt.Sprintf("wrong tenant: the token is from %s, this workspace wants a token from its own tenant (%s): login({tenant: ...}) into the workspace's tenant, then call again",
			cmp.Or(explain.ClaimText(claims["iss"]), "another tenant"), strings.TrimSuffix(strings.TrimPrefix(expectedClaim(se.Message), "https://sts.windows.net/"), "/"))
	case (se.Status == 401 && strings.Contains(strings.ToLower(se.Message), "audience")) || wrongClaim:
		want, _ := c.client().ScopeFor(se.URL)
		aud := explain.ClaimText(claims["aud"])
		if aud == "" {
			aud = "(unknown: no JWT was sent)"
		}
		return fmt.Sprintf("wrong audience: the token sent is for %s, this API wants a token for %s: ask for token(%q), or call without an Authorization header and azrepl picks it",
			aud, strings.TrimSuffix(want, "/.default"), want)
	}
	hint := errcode.Status(se.Status).Hint
	switch {
	case se.Status == 403 && graphHosts[strings.ToLower(hostOf(se.URL))]:
		return graphForbiddenHint(se.Method, path, claims)
	case se.Status == 403:
		if h := errcode.ServiceHint(se.Code, se.Message); h != "" {
			return h
		}
		if permHint != nil {
			if need := permHint(se.Method, path); need != "" {
				hint = need
			}
		}
		return "the token has " + grantText(claims) + "; " + hint
	case se.Status == 404:
		return hint + " (" + path + ")"
	case se.Status == 429 || se.Status >= 500:
		if se.Attempts > 1 {
			hint += fmt.Sprintf(" (%d attempts)", se.Attempts)
		}
		if se.RequestID != "" {
			hint += "; request id " + se.RequestID
		}
	}
	return hint
}

// grantText says what a token allows: delegated scopes (scp) and app roles.
func grantText(claims map[string]any) string {
	if claims == nil {
		return "no readable claims"
	}
	scp, roles := explain.ClaimText(claims["scp"]), explain.ClaimText(claims["roles"])
	if scp == "" {
		scp = "(none)"
	}
	if roles == "" {
		roles = "(none)"
	}
	return fmt.Sprintf("scp: %s, roles: %s", scp, roles)
}

// progress reports paging on stderr when it is a terminal, on one line
// rewritten in place; nil (quiet) when stderr is piped or a file.
func (c *caller) progress(label string) (report func(httpx.Progress), done func()) {
	f, ok := c.env.Stderr.(interface{ Fd() uintptr })
	if !ok || !isatty.IsTerminal(f.Fd()) {
		return nil, func() {}
	}
	shown := false
	report = func(p httpx.Progress) {
		if p.Pages < 2 {
			return // a single page needs no progress line
		}
		rate := float64(p.Items) / max(p.Elapsed.Seconds(), 0.001)
		fmt.Fprintf(c.env.Stderr, "\r%s: %d pages, %d items, %.0f items/s ", label, p.Pages, p.Items, rate)
		shown = true
	}
	done = func() {
		if shown {
			fmt.Fprint(c.env.Stderr, "\r\x1b[K")
		}
	}
	return report, done
}

// listingGCPercent is the GC target while graph.all gathers items.
const listingGCPercent = 200

// pageItems walks a paged collection and returns its items as one JS array.
// It is built on the same pull pager as iter and each: each page is checked
// and its items found where it arrives, converted here while the next one
// is being fetched.
func (c *caller) pageItems(first *httpx.Request, opts httpx.PageOptions, label string, sent func() string, permHint func(string, string) string) goja.Value {
	report, done := c.progress(label)
	// The items are kept (mostly text, which the GC does not scan): letting
	// the heap grow 200% over the live data between collections instead of
	// 100% took graph.all over 1M groups from 19.8 s to 14.4 s, for a peak
	// of 922 MB instead of 790 MB. The setting (GOGC) comes back after; a
	// higher one is kept.
	if old := debug.SetGCPercent(listingGCPercent); old > listingGCPercent || old < 0 {
		debug.SetGCPercent(old)
	} else {
		defer debug.SetGCPercent(old)
	}
	opts.Check = validJSON[[]byte]
	pager := c.client().NewPager(c.env.Context(), first, opts)
	var items []any
	var err error
	for {
		p, ok, perr := pager.Next(c.env.Context())
		if err = perr; err != nil || !ok {
			break
		}
		if items, err = c.conv.AppendItems(items, p.Items); err != nil {
			break
		}
		if report != nil {
			report(pager.Progress())
		}
	}
	pager.Close()
	done()
	if err != nil {
		var se *httpx.ServiceError
		if errors.As(err, &se) {
			panic(c.serviceErrorValue(se, sent, permHint))
		}
		var ex *goja.Exception
		if errors.As(err, &ex) {
			Throw(c.rt, err)
		}
		Throw(c.rt, c.transportError(err))
	}
	return c.rt.NewArray(items...)
}
