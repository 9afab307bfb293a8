package bindings

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/azrepl/azrepl/errcode"
	"github.com/azrepl/azrepl/httpx"
	"github.com/azrepl/azrepl/traceexport"
	"github.com/dop251/goja"
)

func init() {
	Register(Binding{
		Name: "trace",
		Help: `trace() — the HTTP exchanges of this session, redacted (logins included)
  Returns [{index, method, url, status, ms, attempt, requestBytes, responseBytes, error?}]; the REPL shows a table.
  trace.curl(n) — a curl command reproducing exchange n (an index, or negative from the end; default the last),
                  with $TOKEN, $CLIENT_SECRET… in place of the secrets
  trace.get(n)  — one exchange in full: headers and (size-capped, redacted) bodies
  trace.clear() — forget the recorded exchanges
  trace.har(file)    — write the exchanges as a HAR 1.2 file (browsers' developer tools import it)
  trace.http(file)   — write them as a .http file (VS Code REST Client, JetBrains), secrets as {{variables}}
  trace.diagram()    — a Mermaid sequence diagram of them (client, Entra ID, Graph, ARM, Databricks)
  trace.report(file) — one self-contained HTML page: the diagram, every exchange, each JWT decoded
                       (aud, scp/roles, exp) and the errors with hints; the REPL's .report FILE writes it too
  trace.explain()    — each exchange in words: grant, client, tenant, scope, token aud/scp/roles, FOCI, CAE, library
  trace.load(file)   — open a recording: azrepl record's trace.json, or a HAR 1.2 file from a browser's developer
                       tools (redacted on the way in, as trace()); every function above works on what it returns
  trace.diff(a, b)   — two traces step by step (trace, trace.load(…) or file names; b defaults to this session):
                       which form fields, headers and token claims differ
  Exports are redacted as trace() is: tokens appear only as their decoded public claims.
  --debug prints each exchange to stderr as it happens.`,
		Value: callerValue("trace", func(c *caller) goja.Value { return c.traceFunction() }),
	})
}

func (c *caller) traceFunction() *goja.Object {
	live := traceView{name: "this session", all: func() []httpx.Exchange { return c.client().Trace() },
		entry: func(i int) (httpx.Exchange, bool) { return c.client().TraceEntry(i) }}
	fn := c.traceObject(live)
	_ = fn.Set("clear", func() { c.client().ClearTrace() })
	_ = fn.Set("load", func(file goja.Value) *goja.Object {
		return c.loadTrace(stringArg(c.rt, "trace.load(file)", "file", file))
	})
	_ = fn.Set("diff", func(a, b goja.Value) goja.Value { return c.traceDiff(a, b, live) })
	return fn
}

// traceView is a set of exchanges the trace functions work on: the
// session's own (trace) or a recording opened with trace.load.
type traceView struct {
	name  string
	all   func() []httpx.Exchange
	entry func(index int) (httpx.Exchange, bool)
}

// traceObject is a callable listing the view's exchanges, with the export
// functions as its members.
func (c *caller) traceObject(v traceView) *goja.Object {
	fn := c.rt.ToValue(func() goja.Value { return c.traceList(v.all()) }).ToObject(c.rt)
	_ = fn.Set("curl", func(n goja.Value) string { return c.traceEntry(v, n).Curl() })
	_ = fn.Set("get", func(n goja.Value) goja.Value { return c.exchangeDetail(c.traceEntry(v, n)) })
	for _, kind := range []string{"har", "http", "report"} {
		_ = fn.Set(kind, func(file goja.Value) string {
			return c.writeExport(v.all(), kind, optionalStringArg(c.rt, "trace."+kind+"(file)", "file", file))
		})
	}
	_ = fn.Set("diagram", func() string { return traceexport.Mermaid(v.all()) })
	_ = fn.Set("explain", func() goja.Value { return c.traceExplain(v.all()) })
	_ = fn.DefineDataProperty(traceViewKey, c.rt.ToValue(v), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE)
	return fn
}

// traceEntry finds exchange n: a positive Index, or counting back from the
// end (-1 = the last, also for no argument).
func (c *caller) traceEntry(v traceView, n goja.Value) httpx.Exchange {
	all := v.all()
	if len(all) == 0 {
		Throw(c.rt, &Error{Code: errcode.NotFound, Message: "the trace is empty: no HTTP exchange yet"})
	}
	i := int64(-1)
	if n != nil && !goja.IsUndefined(n) && !goja.IsNull(n) {
		i = n.ToInteger()
	}
	if i < 0 {
		if -i > int64(len(all)) {
			Throw(c.rt, &Error{Code: errcode.NotFound, Message: fmt.Sprintf("trace: only %d exchanges are kept", len(all))})
		}
		return all[int64(len(all))+i]
	}
	if e, ok := v.entry(int(i)); ok {
		return e
	}
	Throw(c.rt, &Error{Code: errcode.NotFound, Message: fmt.Sprintf("trace: no exchange %d (kept: %d to %d)", i, all[0].Index, all[len(all)-1].Index)})
	return httpx.Exchange{}
}

func (c *caller) traceList(all []httpx.Exchange) goja.Value {
	vals := make([]any, len(all))
	for i, e := range all {
		o := c.rt.NewObject()
		_ = o.Set("index", e.Index)
		_ = o.Set("method", e.Method)
		_ = o.Set("url", e.URL)
		_ = o.Set("status", e.Status)
		_ = o.Set("ms", float64(e.Duration.Microseconds())/1000)
		_ = o.Set("attempt", e.Attempt)
		_ = o.Set("requestBytes", e.ReqSize)
		_ = o.Set("responseBytes", e.RespSize)
		if e.Err != "" {
			_ = o.Set("error", e.Err)
		}
		vals[i] = o
	}
	arr := c.rt.NewArray(vals...)
	table := traceTable(all)
	_ = arr.DefineDataProperty(REPLMethod, c.rt.ToValue(func() string { return table }), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE)
	return arr
}

// traceTable is the compact REPL view: one line per exchange.
func traceTable(all []httpx.Exchange) string {
	if len(all) == 0 {
		return "(no HTTP exchanges yet)"
	}
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "#\tMETHOD\tSTATUS\tMS\tSENT\tGOT\tURL")
	for _, e := range all {
		status := fmt.Sprint(e.Status)
		if e.Err != "" {
			status = "ERR"
		}
		if e.Attempt > 1 {
			status += fmt.Sprintf(" (try %d)", e.Attempt)
		}
		u := e.URL
		if len(u) > 100 {
			u = u[:99] + "…"
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%d\t%s\t%s\t%s\n", e.Index, e.Method, status, e.Duration.Milliseconds(),
			sizeText(int(e.ReqSize)), sizeText(int(e.RespSize)), u)
	}
	_ = w.Flush()
	return strings.TrimRight(b.String(), "\n")
}

// exchangeDetail is one exchange in full, already redacted by httpx.
func (c *caller) exchangeDetail(e httpx.Exchange) goja.Value {
	o := c.rt.NewObject()
	_ = o.Set("index", e.Index)
	_ = o.Set("attempt", e.Attempt)
	_ = o.Set("time", e.Time.UTC().Format("2006-01-02T15:04:05.000Z"))
	_ = o.Set("method", e.Method)
	_ = o.Set("url", e.URL)
	_ = o.Set("status", e.Status)
	_ = o.Set("ms", float64(e.Duration.Microseconds())/1000)
	header := func(h map[string][]string) *goja.Object {
		ho := c.rt.NewObject()
		for k, vs := range h {
			_ = ho.Set(strings.ToLower(k), strings.Join(vs, ", "))
		}
		return ho
	}
	_ = o.Set("requestHeaders", header(e.ReqHeader))
	_ = o.Set("responseHeaders", header(e.RespHeader))
	_ = o.Set("requestBody", e.ReqBody)
	_ = o.Set("responseBody", e.RespBody)
	_ = o.Set("requestBytes", e.ReqSize)
	_ = o.Set("responseBytes", e.RespSize)
	if e.Err != "" {
		_ = o.Set("error", e.Err)
	}
	_ = o.Set("curl", e.Curl())
	return o
}
