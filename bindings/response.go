package bindings

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/azrepl/azrepl/errcode"
	"github.com/azrepl/azrepl/httpx"
	"github.com/dop251/goja"
)

func init() {
	// Not a global: the answer of http.*, graph.*, arm.* and databricks clients.
	Register(Binding{Name: "Response", Help: `Response — what http.*, graph.*, arm.* and a databricks client's methods return
  status, ok (2xx), url, method, duration (ms), attempts (retries included), size (bytes)
  headers  lower-case names: res.headers["content-type"]
  json     the body parsed, on first read (throws BAD_JSON when it is not JSON); text: the body as a string
  get(path) a gjson query on the raw body, without parsing all of it: res.get("value.#.displayName")
  curl()   the request as a curl command line, the token as $TOKEN
  JSON.stringify(res) shows status, headers and the body; the REPL prints a summary.
  fetch() returns the WHATWG Response instead (.help fetch).
  Example: graph.get("/groups?$top=5").get("value.#.displayName")`})
}

// responseObject is an HTTP answer as JS sees it: a goja dynamic object whose
// properties are computed from the Go response, so `json` is parsed only when
// read (and only once) and `get(path)` runs gjson on the raw bytes. Being a Go
// value it also gives q() the raw body (JSONSource) and the REPL a summary
// (REPLRenderer).
type responseObject struct {
	rt   *goja.Runtime
	conv *JSONConverter
	resp *httpx.Response

	headers goja.Value // built on first read
	parsed  goja.Value // JSON.parse of the body, on first read of .json
	fns     map[string]goja.Value
}

// responseKeys are the enumerable properties (what JSON.stringify shows).
var (
	responseKeys     = []string{"status", "ok", "url", "method", "duration", "headers", "json"}
	textResponseKeys = []string{"status", "ok", "url", "method", "duration", "headers", "text"}
)

// NewResponse wraps an httpx.Response for JS.
func NewResponse(rt *goja.Runtime, conv *JSONConverter, resp *httpx.Response) goja.Value {
	r := &responseObject{rt: rt, conv: conv, resp: resp}
	r.fns = map[string]goja.Value{
		"get": rt.ToValue(func(path goja.Value) goja.Value {
			return conv.Result(Query(resp.Body, optionalStringArg(rt, "Response.get(path)", "path", path)))
		}),
		"curl": rt.ToValue(func() string {
			return resp.Curl()
		}),
		"toString": rt.ToValue(func() string { return r.statusLine() }),
		REPLMethod: rt.ToValue(func() string { return r.RenderREPL() }),
	}
	return rt.NewDynamicObject(r)
}

// Answer is the httpx answer behind a Response value, for a caller that
// prints more of it than JS shows (azrepl api --include).
func Answer(v goja.Value) (*httpx.Response, bool) {
	o, ok := v.(*goja.Object)
	if !ok {
		return nil, false
	}
	r, ok := o.Export().(*responseObject)
	if !ok {
		return nil, false
	}
	return r.resp, true
}

func (r *responseObject) Get(key string) goja.Value {
	switch key {
	case "status":
		return r.rt.ToValue(r.resp.Status)
	case "ok":
		return r.rt.ToValue(r.resp.OK())
	case "url":
		return r.rt.ToValue(r.resp.URL)
	case "method":
		return r.rt.ToValue(r.resp.Method)
	case "duration":
		return r.rt.ToValue(float64(r.resp.Duration.Microseconds()) / 1000)
	case "attempts":
		return r.rt.ToValue(r.resp.Attempts)
	case "size":
		return r.rt.ToValue(len(r.resp.Body))
	case "text":
		return r.rt.ToValue(string(r.resp.Body))
	case "headers":
		if r.headers == nil {
			r.headers = r.headerObject()
		}
		return r.headers
	case "json":
		if r.parsed == nil {
			v, err := r.conv.Parse(string(r.resp.Body))
			if e, ok := err.(*Error); ok && e.Name != "SyntaxError" {
				Throw(r.rt, e) // too deep, interrupted
			}
			if err != nil {
				Throw(r.rt, &Error{Name: "SyntaxError", Code: errcode.BadJSON,
					Message: fmt.Sprintf("the body of %s %s is not JSON (%s, %d bytes); read .text instead",
						r.resp.Method, r.resp.URL, contentType(r.resp.Header), len(r.resp.Body))})
			}
			r.parsed = v
		}
		return r.parsed
	}
	if f, ok := r.fns[key]; ok {
		return f
	}
	return nil
}

func (r *responseObject) Set(string, goja.Value) bool { return false }
func (r *responseObject) Has(key string) bool {
	switch key {
	case "status", "ok", "url", "method", "duration", "attempts", "size", "text", "headers", "json":
		return true
	}
	_, ok := r.fns[key]
	return ok
}
func (r *responseObject) Delete(string) bool { return false }

// Keys: JSON.stringify(res) shows the parsed body, or the text when the
// body is not JSON (reading .json would throw).
func (r *responseObject) Keys() []string {
	if len(r.resp.Body) > 0 && validJSON(r.resp.Body) != nil {
		return textResponseKeys
	}
	return responseKeys
}

// JSON gives q() the raw body.
func (r *responseObject) JSON() []byte { return r.resp.Body }

// headerObject has lower-case names; repeated headers are joined with ", ".
func (r *responseObject) headerObject() goja.Value {
	o := r.rt.NewObject()
	for k, vs := range r.resp.Header {
		_ = o.Set(strings.ToLower(k), strings.Join(vs, ", "))
	}
	return o
}

func (r *responseObject) statusLine() string {
	return fmt.Sprintf("%d %s  %s %s  (%s, %s)", r.resp.Status, http.StatusText(r.resp.Status),
		r.resp.Method, r.resp.URL, r.resp.Duration.Round(100_000), sizeText(len(r.resp.Body)))
}

// shownHeaders are the headers worth a line in the REPL summary.
var shownHeaders = []string{"Content-Type", "Location", "Retry-After", "Www-Authenticate",
	"Request-Id", "X-Ms-Request-Id", "X-Databricks-Request-Id", "Odata-Version"}

// replBodyLimit bounds the body printed by the REPL.
const replBodyLimit = 4 << 10

// RenderREPL prints the status line, a few headers and the pretty body (cut
// for big bodies, saying how much is left).
func (r *responseObject) RenderREPL() string {
	return httpx.EscapeControls(r.renderREPL())
}

func (r *responseObject) renderREPL() string {
	var b strings.Builder
	b.WriteString(r.statusLine())
	b.WriteByte('\n')
	names := make([]string, 0, len(shownHeaders))
	for _, h := range shownHeaders {
		if v := r.resp.Header.Get(h); v != "" {
			names = append(names, fmt.Sprintf("%s: %s", strings.ToLower(h), v))
		}
	}
	sort.Strings(names)
	for _, n := range names {
		b.WriteString("  " + n + "\n")
	}
	body := r.resp.Body
	if len(bytes.TrimSpace(body)) == 0 {
		b.WriteString("(empty body)")
		return b.String()
	}
	text := string(body)
	if len(body) <= 1<<20 && json.Valid(body) {
		var out bytes.Buffer
		if json.Indent(&out, body, "", "  ") == nil {
			text = out.String()
		}
	}
	if len(text) > replBodyLimit {
		cut := replBodyLimit
		for cut > 0 && text[cut]&0xC0 == 0x80 {
			cut--
		}
		fmt.Fprintf(&b, "%s\n… (%s shown of %s; use .text, .json or .get(path))", text[:cut], sizeText(cut), sizeText(len(body)))
		return b.String()
	}
	b.WriteString(text)
	return b.String()
}

func contentType(h http.Header) string {
	if ct := h.Get("Content-Type"); ct != "" {
		return ct
	}
	return "no content type"
}

func sizeText(n int) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
