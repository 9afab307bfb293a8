package bindings

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/azrepl/azrepl/errcode"
	"github.com/azrepl/azrepl/httpx"
	"github.com/azrepl/azrepl/jsweb"
	"github.com/dop251/goja"
)

func init() {
	Register(Binding{
		Name: "fetch",
		Help: `fetch(url, init) → Promise<Response> — the WHATWG fetch, through azrepl's one HTTP client
  The bearer token is chosen from the URL's host as for http.* (Graph, ARM, Databricks…); retries,
  the trace (trace()) and its redaction are the same. Non-2xx answers resolve (ok === false).
  init  method, headers ({…} or [[name, value]…]), body (string, URLSearchParams, Uint8Array; an object
        is sent as JSON), signal (an AbortSignal: abort() or AbortSignal.timeout(ms) rejects with its
        reason and cancels the request); azrepl's own: scope, auth: false, timeout (ms). credentials, mode, cache,
        redirect, referrer, referrerPolicy, integrity, keepalive are accepted and have no effect.
  Response: ok, status, statusText, url, redirected, headers.get(name)/has/forEach/entries(),
            text(), json(), arrayBuffer() (Promises)
  Example: const r = await fetch("https://graph.microsoft.com/v1.0/me"); (await r.json()).displayName`,
		Value: callerValue("fetch", func(c *caller) goja.Value {
			return c.rt.ToValue(func(call goja.FunctionCall) goja.Value { return c.fetch(call.Argument(0), call.Argument(1)) })
		}),
	})
}

// fetchInit is fetch's second argument.
type fetchInit struct {
	Method  string     `opt:"method"`
	Headers goja.Value `opt:"headers"`
	Body    goja.Value `opt:"body"`
	Scope   string     `opt:"scope"`
	Auth    *bool      `opt:"auth"`
	Timeout float64    `opt:"timeout"`
	Signal  goja.Value `opt:"signal"` // an AbortSignal
	// Browser-only settings: accepted so that copied snippets run.
	Credentials    goja.Value `opt:"credentials"`
	Mode           goja.Value `opt:"mode"`
	Cache          goja.Value `opt:"cache"`
	Redirect       goja.Value `opt:"redirect"`
	Referrer       goja.Value `opt:"referrer"`
	ReferrerPolicy goja.Value `opt:"referrerPolicy"`
	Integrity      goja.Value `opt:"integrity"`
	Keepalive      goja.Value `opt:"keepalive"`
}

func (c *caller) fetch(u, initV goja.Value) goja.Value {
	if c.env.Start == nil {
		Throw(c.rt, &Error{Code: errcode.NoClient, Message: "fetch: this runtime has no event loop"})
	}
	var in fetchInit
	decodeOpts(c.rt, "fetch(url, init)", initV, &in)
	method := "GET"
	if in.Method != "" {
		method = strings.ToUpper(in.Method)
	}
	ro := requestOptions{Scope: in.Scope, Auth: in.Auth, Timeout: in.Timeout}
	req := c.newRequest(method, u, &ro)
	req.Header = c.fetchHeaders(in.Headers)
	if in.Body != nil {
		if method == "GET" || method == "HEAD" {
			Throw(c.rt, &Error{Name: "TypeError", Code: errcode.BadArgument, Message: "fetch: a " + method + " request cannot have a body"})
		}
		c.fetchBody(req, in.Body)
	}
	client := c.client()
	at := CallSite(c.rt)
	p, resolve, reject := c.rt.NewPromise()
	abortCtx, abortReason, unlisten := c.fetchSignal(in.Signal)
	if abortCtx.Err() != nil { // aborted already: nothing is sent
		_ = reject(abortReason())
		return c.rt.ToValue(p)
	}
	c.env.Start(func(ctx context.Context) func() {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		defer context.AfterFunc(abortCtx, cancel)()
		resp, err := client.Do(ctx, req)
		return func() {
			aborted := abortCtx.Err() != nil
			unlisten()
			// The signal fired before the answer reached the script: fetch
			// rejects with its reason (WHATWG "abort fetch"), also when an
			// answer came in the meantime (a server that saw the connection
			// close may have replied while the client was cancelling).
			if aborted {
				_ = reject(abortReason())
				return
			}
			if err != nil {
				e := c.transportError(err)
				e.Name = "TypeError" // what fetch rejects with when no answer came
				e.At = at
				_ = reject(ErrorValue(c.rt, e))
				return
			}
			_ = resolve(c.fetchResponse(resp))
		}
	})
	return c.rt.ToValue(p)
}

// fetchSignal follows init.signal (an AbortSignal, or anything with
// aborted, reason and addEventListener): the context is cancelled when it
// aborts, reason gives what fetch rejects with then, and unlisten removes
// the listener once the request is over.
func (c *caller) fetchSignal(v goja.Value) (ctx context.Context, reason func() goja.Value, unlisten func()) {
	ctx, cancel := context.WithCancel(context.Background())
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return ctx, nil, cancel
	}
	sig, ok := v.(*goja.Object)
	add, okAdd := goja.AssertFunction(sigGet(sig, "addEventListener"))
	remove, okRemove := goja.AssertFunction(sigGet(sig, "removeEventListener"))
	if !ok || !okAdd || !okRemove {
		cancel()
		Throw(c.rt, optionError("fetch(url, init)", "option signal must be an AbortSignal, not "+typeName(v)))
	}
	reason = func() goja.Value {
		if r := sig.Get("reason"); r != nil && !goja.IsUndefined(r) {
			return r
		}
		return ErrorValue(c.rt, &Error{Name: "AbortError", Code: errcode.Cancelled, Message: "fetch: aborted"})
	}
	if sig.Get("aborted").ToBoolean() {
		cancel()
		return ctx, reason, func() {}
	}
	onAbort := c.rt.ToValue(func(goja.FunctionCall) goja.Value { cancel(); return goja.Undefined() })
	if _, err := add(sig, c.rt.ToValue("abort"), onAbort); err != nil {
		cancel()
		panic(err)
	}
	return ctx, reason, func() {
		_, _ = remove(sig, c.rt.ToValue("abort"), onAbort)
		cancel()
	}
}

func sigGet(o *goja.Object, name string) goja.Value {
	if o == nil {
		return nil
	}
	return o.Get(name)
}

// fetchHeaders reads {name: value}, [[name, value]…] or a Headers-like
// object with forEach.
func (c *caller) fetchHeaders(v goja.Value) http.Header {
	h := http.Header{}
	if v == nil {
		return h
	}
	o, ok := v.(*goja.Object)
	if !ok {
		Throw(c.rt, optionError("fetch(url, init)", "option headers must be an object or an array of [name, value], not "+typeName(v)))
	}
	if o.ClassName() == "Array" {
		for _, k := range o.Keys() {
			pair, ok := o.Get(k).(*goja.Object)
			if !ok || pair.Get("length").ToInteger() != 2 {
				Throw(c.rt, optionError("fetch(url, init)", "each header must be a [name, value] pair"))
			}
			h.Add(pair.Get("0").String(), pair.Get("1").String())
		}
		return h
	}
	for _, k := range o.Keys() {
		h.Set(k, o.Get(k).String())
	}
	return h
}

func (c *caller) fetchBody(req *httpx.Request, body goja.Value) {
	switch b := body.Export().(type) {
	case string:
		req.Body = []byte(b)
		if req.Header.Get("Content-Type") == "" {
			req.ContentType = "text/plain;charset=UTF-8"
		}
		return
	case []byte:
		req.Body = append([]byte(nil), b...)
		req.ContentType = "application/octet-stream"
		return
	case goja.ArrayBuffer:
		req.Body = append([]byte(nil), b.Bytes()...)
		req.ContentType = "application/octet-stream"
		return
	}
	if o, ok := body.(*goja.Object); ok {
		if ta := o.Get("buffer"); ta != nil { // a typed array: its bytes
			if ab, ok := ta.Export().(goja.ArrayBuffer); ok {
				off, n := o.Get("byteOffset").ToInteger(), o.Get("byteLength").ToInteger()
				req.Body = append([]byte(nil), ab.Bytes()[off:off+n]...)
				req.ContentType = "application/octet-stream"
				return
			}
		}
		if q, ok := jsweb.SearchParams(c.rt, o); ok {
			req.Body = []byte(q)
			req.ContentType = "application/x-www-form-urlencoded;charset=UTF-8"
			return
		}
	}
	c.setBody(req, body) // an object: JSON, as http.* sends it
}

// fetchResponse is the WHATWG Response of resp.
func (c *caller) fetchResponse(resp *httpx.Response) *goja.Object {
	rt := c.rt
	o := rt.NewObject()
	_ = o.Set("ok", resp.OK())
	_ = o.Set("status", resp.Status)
	_ = o.Set("statusText", http.StatusText(resp.Status))
	_ = o.Set("url", resp.URL)
	_ = o.Set("redirected", false)
	_ = o.Set("type", "basic")
	_ = o.Set("headers", c.headersObject(resp.Header))
	used := false
	body := func(name string, conv func() (goja.Value, error)) func(goja.FunctionCall) goja.Value {
		return func(goja.FunctionCall) goja.Value {
			p, resolve, reject := rt.NewPromise()
			if used {
				_ = reject(ErrorValue(rt, &Error{Name: "TypeError", Code: errcode.BadArgument, Message: "Response." + name + "(): the body was already read"}))
				return rt.ToValue(p)
			}
			used = true
			v, err := conv()
			if err != nil {
				_ = reject(ErrorValue(rt, err))
			} else {
				_ = resolve(v)
			}
			return rt.ToValue(p)
		}
	}
	_ = o.Set("text", body("text", func() (goja.Value, error) { return rt.ToValue(string(resp.Body)), nil }))
	_ = o.Set("json", body("json", func() (goja.Value, error) {
		v, err := c.conv.Parse(string(resp.Body))
		if err != nil {
			return nil, &Error{Name: "SyntaxError", Code: errcode.BadJSON, Message: "Response.json(): the body is not JSON: " + err.Error(), Err: err}
		}
		return v, nil
	}))
	_ = o.Set("arrayBuffer", body("arrayBuffer", func() (goja.Value, error) {
		return rt.ToValue(rt.NewArrayBuffer(append([]byte(nil), resp.Body...))), nil
	}))
	_ = o.Set("bodyUsed", false)
	_ = o.Set(REPLMethod, func() string {
		return "[Response " + http.StatusText(resp.Status) + " " + resp.Method + " " + resp.URL + " " + resp.Duration.Round(time.Millisecond).String() + "]"
	})
	return o
}

// headersObject is a read-only WHATWG Headers: names are case-insensitive.
func (c *caller) headersObject(h http.Header) *goja.Object {
	rt := c.rt
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, strings.ToLower(k))
	}
	sort.Strings(names)
	get := func(name string) goja.Value {
		vs := h.Values(name)
		if len(vs) == 0 {
			return goja.Null()
		}
		return rt.ToValue(strings.Join(vs, ", "))
	}
	o := rt.NewObject()
	_ = o.Set("get", func(name string) goja.Value { return get(name) })
	_ = o.Set("has", func(name string) bool { return len(h.Values(name)) > 0 })
	_ = o.Set("forEach", func(fn goja.Callable) {
		for _, n := range names {
			if _, err := fn(goja.Undefined(), get(n), rt.ToValue(n), o); err != nil {
				panic(err)
			}
		}
	})
	_ = o.Set("entries", func() goja.Value {
		pairs := make([]any, len(names))
		for i, n := range names {
			pairs[i] = rt.NewArray(n, get(n))
		}
		return rt.NewArray(pairs...)
	})
	_ = o.Set("keys", func() goja.Value {
		out := make([]any, len(names))
		for i, n := range names {
			out[i] = n
		}
		return rt.NewArray(out...)
	})
	_ = o.Set(REPLMethod, func() string {
		var b strings.Builder
		for _, n := range names {
			b.WriteString(n + ": " + get(n).String() + "\n")
		}
		return strings.TrimSuffix(b.String(), "\n")
	})
	return o
}
