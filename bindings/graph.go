package bindings

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/azrepl/azrepl/errcode"
	"github.com/azrepl/azrepl/httpx"
	"github.com/dop251/goja"
)

// GraphHost is where graph.* calls go.
const GraphHost = "https://graph.microsoft.com"

func init() {
	Register(Binding{
		Name: "graph",
		Help: `graph.get(path, opts) / post(path, body, opts) / put / patch / delete(path, opts) — Microsoft Graph
  path  relative to https://graph.microsoft.com/v1.0 ("/me", "groups?$top=5"), or starting with /v1.0 or /beta,
        or an absolute URL; graph.beta.get(…) uses /beta. $count and $search get ConsistencyLevel: eventual.
  Returns the Response; throws on non-2xx: err.code (FORBIDDEN…), err.serviceCode, err.status, err.hint
  graph.all(path, {max}) — every item of a collection, following @odata.nextLink
  for (const g of graph.iter(path, {max})) … — the same items streamed: one page in use, the next one coming
  graph.each(path, fn, {max}) — fn(item, index) per item; return false to stop (no further pages are fetched)
  graph.batch([{method, url, body, headers}, …]) — JSON batching, 20 per $batch; [{id, status, headers, body}] in order;
        GET items throttled inside the batch (429/503/504) are sent again after their Retry-After, up to 5 attempts
  Example: graph.all("/groups?$select=displayName", {max: 100}).map(g => g.displayName)` + graphPermissionsHelp,
		Value: callerValue("graph", func(c *caller) goja.Value {
			g := c.graphObject("v1.0")
			_ = g.Set("beta", c.graphObject("beta"))
			return g
		}),
	})
}

func (c *caller) graphObject(version string) *goja.Object {
	o := c.rt.NewObject()
	c.setMethods(o, func(method, path string, opts goja.Value) *httpx.Request {
		return c.request(method, c.rt.ToValue(graphURL(path, version)), opts)
	}, nil)
	c.setListing(o, "graph", func(fn, path string, opts goja.Value) (*httpx.Request, httpx.PageOptions) {
		var lo listOptions
		req := c.listRequest("graph."+fn+"(path, opts)", c.rt.ToValue(graphURL(path, version)), opts, &lo)
		return req, httpx.PageOptions{Next: httpx.GraphNext, Max: lo.Max}
	}, nil)
	_ = o.Set("batch", func(items goja.Value) goja.Value { return c.graphBatch(items, version) })
	c.setPermissionLookups(o)
	return o
}

// graphURL resolves a graph.* path against the version's base.
func graphURL(path, version string) string {
	switch {
	case isURL(path):
		return path
	case path == "/v1.0" || path == "/beta" || strings.HasPrefix(path, "/v1.0/") || strings.HasPrefix(path, "/beta/") ||
		strings.HasPrefix(path, "/v1.0?") || strings.HasPrefix(path, "/beta?"):
		return GraphHost + path
	}
	return GraphHost + "/" + version + rooted(path)
}

// isURL: a binding's path argument is a whole http(s) URL, not a path on
// the binding's host.
func isURL(path string) bool {
	return strings.HasPrefix(path, "https://") || strings.HasPrefix(path, "http://")
}

// rooted is a path on a host with its leading slash, given or not.
func rooted(path string) string {
	if !strings.HasPrefix(path, "/") {
		return "/" + path
	}
	return path
}

// graphBatch sends the items through $batch; each answer is {id, status,
// headers, body}, or {id, status: 0, error} when none came.
func (c *caller) graphBatch(items goja.Value, version string) goja.Value {
	arr := arrayArg(c.rt, "graph.batch(requests)", "requests", "paths or {method, url, body, headers}", items)
	n := int(arr.Get("length").ToInteger())
	subs := make([]httpx.SubRequest, n)
	for i := 0; i < n; i++ {
		v := arr.Get(fmt.Sprint(i))
		if _, ok := v.(*goja.Object); !ok {
			subs[i] = httpx.SubRequest{Method: http.MethodGet, URL: stringArg(c.rt, "graph.batch(requests)", fmt.Sprintf("requests[%d]", i), v)}
			continue
		}
		var it graphBatchItem
		decodeOpts(c.rt, fmt.Sprintf("graph.batch item %d", i), v, &it)
		s := httpx.SubRequest{Method: it.Method, URL: it.URL, ID: it.ID, DependsOn: it.DependsOn}
		if it.Headers != nil {
			s.Header = it.Headers
		}
		if b := it.Body; b != nil {
			raw, err := jsonOf(b)
			if err != nil {
				Throw(c.rt, &Error{Name: "TypeError", Code: errcode.BadRequest, Message: "graph.batch body: " + err.Error()})
			}
			s.Body = raw
		}
		subs[i] = s
	}
	out, err := c.client().GraphBatch(c.env.Context(), GraphHost+"/"+version, subs)
	if err != nil {
		Throw(c.rt, &Error{Code: errcode.BadRequest, Message: err.Error(), Err: err})
	}
	vals := make([]any, len(out))
	for i, r := range out {
		o := c.rt.NewObject()
		_ = o.Set("id", r.ID)
		_ = o.Set("status", r.Status)
		if r.Err != nil {
			_ = o.Set("error", ErrorValue(c.rt, c.transportError(r.Err)))
			vals[i] = o
			continue
		}
		h := c.rt.NewObject()
		for k, v := range r.Header {
			_ = h.Set(strings.ToLower(k), v)
		}
		_ = o.Set("headers", h)
		body := goja.Undefined()
		if len(r.Body) > 0 {
			var err error
			if body, err = c.conv.Parse(string(r.Body)); err != nil {
				var s string
				if json.Unmarshal(r.Body, &s) == nil {
					body = c.rt.ToValue(s)
				}
			}
		}
		_ = o.Set("body", body)
		vals[i] = o
	}
	return c.rt.NewArray(vals...)
}

func str(v goja.Value) string {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return ""
	}
	return v.String()
}
