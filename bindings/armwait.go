package bindings

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/azrepl/azrepl/errcode"
	"github.com/azrepl/azrepl/httpx"
	"github.com/dop251/goja"
	"github.com/tidwall/gjson"
)

// waitOptions: arm.wait(response, {timeout, interval}).
type waitOptions struct {
	Timeout  float64 `opt:"timeout"`  // ms; default 30 minutes
	Interval float64 `opt:"interval"` // ms between polls when the service sends no Retry-After; default 5 s
}

const (
	defaultWaitTimeout  = 30 * time.Minute
	defaultWaitInterval = 5 * time.Second
)

// armWait follows an ARM long-running operation (a 201/202 answer with
// Azure-AsyncOperation or Location) until it ends, honouring Retry-After.
// It returns the final resource (for PUT/PATCH, read again at the
// resource's URL), the operation's result body if any, or null; a failed
// or cancelled operation throws its error.
func (c *caller) armWait(respV, optsV goja.Value) goja.Value {
	var o waitOptions
	decodeOpts(c.rt, "arm.wait(response, opts)", optsV, &o)
	resp, ok := respV.(*goja.Object)
	if !ok || goja.IsUndefined(resp.Get("status")) {
		Throw(c.rt, &Error{Name: "TypeError", Code: errcode.BadArgument, Message: "arm.wait(response): the Response of arm.put/patch/post/delete is expected"})
	}
	timeout, interval := defaultWaitTimeout, defaultWaitInterval
	if o.Timeout > 0 {
		timeout = time.Duration(o.Timeout * float64(time.Millisecond))
	}
	if o.Interval > 0 {
		interval = time.Duration(o.Interval * float64(time.Millisecond))
	}
	status := int(resp.Get("status").ToInteger())
	method := strings.ToUpper(str(resp.Get("method")))
	resURL := str(resp.Get("url"))
	header := func(name string) string {
		if h, ok := resp.Get("headers").(*goja.Object); ok {
			return str(h.Get(strings.ToLower(name)))
		}
		return ""
	}
	async, location := header("Azure-AsyncOperation"), header("Location")
	if async == "" && (location == "" || (status != http.StatusAccepted && status != http.StatusCreated)) {
		// Not (or no longer) running: the answer is the result.
		if status == http.StatusNoContent || str(resp.Get("text")) == "" {
			return goja.Null()
		}
		return resp.Get("json")
	}
	for _, u := range []string{async, location} {
		c.armOnly(resURL, u)
	}
	ctx := c.env.Context()
	deadline := time.Now().Add(timeout)
	wait := func(retryAfter string) {
		d := interval
		if n, err := strconv.Atoi(strings.TrimSpace(retryAfter)); err == nil && n >= 0 {
			d = time.Duration(n) * time.Second
		}
		if time.Now().Add(d).After(deadline) {
			Throw(c.rt, &Error{Code: errcode.Timeout, Message: fmt.Sprintf("arm.wait: the operation did not end within %s", timeout),
				Hint: "wait longer with {timeout: ms}, or look at the operation later: " + cmp.Or(async, location)})
		}
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			Throw(c.rt, &Error{Code: errcode.Cancelled, Message: "interrupted", Err: ctx.Err()})
		}
	}
	poll := func(u string) *httpx.Response {
		r := c.do(&httpx.Request{Method: http.MethodGet, URL: u})
		if r.Status >= 400 {
			var se *httpx.ServiceError
			if errors.As(r.Err(), &se) {
				panic(c.serviceErrorValue(se, func() string { return "" }, armPermission))
			}
		}
		return r
	}
	retry := header("Retry-After")
	if async != "" {
		for {
			wait(retry)
			r := poll(async)
			retry = r.Header.Get("Retry-After")
			st := gjson.GetBytes(r.Body, "status").String()
			switch strings.ToLower(st) {
			case "succeeded":
				if method == http.MethodPut || method == http.MethodPatch {
					return NewResponse(c.rt, c.conv, poll(resURL)).ToObject(c.rt).Get("json")
				}
				if location != "" {
					return c.waitBody(poll(location))
				}
				return goja.Null()
			case "failed", "canceled", "cancelled":
				code := gjson.GetBytes(r.Body, "error.code").String()
				msg := gjson.GetBytes(r.Body, "error.message").String()
				e := &Error{Code: errcode.Failed, Message: fmt.Sprintf("arm.wait: the operation %s: %s: %s", strings.ToLower(st), code, c.client().Redact(msg))}
				obj := ErrorValue(c.rt, e)
				_ = obj.Set("serviceCode", code)
				_ = obj.Set("serviceMessage", c.client().Redact(msg))
				_ = obj.Set("operationStatus", st)
				panic(obj)
			}
		}
	}
	for {
		wait(retry)
		r := poll(location)
		if r.Status != http.StatusAccepted {
			return c.waitBody(r)
		}
		retry = r.Header.Get("Retry-After")
		if l := r.Header.Get("Location"); l != "" {
			c.armOnly(resURL, l)
			location = l
		}
	}
}

// armOnly refuses an operation URL outside the origin (scheme, host, port)
// of the request that started it: a hostile or mistaken answer could point
// arm.wait anywhere, and each poll carries a token for where it points.
func (c *caller) armOnly(resURL, opURL string) {
	if opURL == "" {
		return
	}
	a, errA := url.Parse(resURL)
	b, errB := url.Parse(opURL)
	if errA != nil || errB != nil || a.Host == "" || !strings.EqualFold(a.Scheme, b.Scheme) || !strings.EqualFold(a.Host, b.Host) {
		Throw(c.rt, &Error{Code: errcode.Refused, Message: fmt.Sprintf("arm.wait: refused: the operation URL %s is not on %s, where the request went", c.client().Redact(opURL), originOf(resURL)),
			Hint: "arm.wait polls only the origin that answered the request, with that origin's token"})
	}
}

func originOf(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return "(no URL)"
	}
	return p.Scheme + "://" + p.Host
}

// waitBody is the JSON of a final answer, or null when it has none.
func (c *caller) waitBody(r *httpx.Response) goja.Value {
	if len(strings.TrimSpace(string(r.Body))) == 0 {
		return goja.Null()
	}
	return NewResponse(c.rt, c.conv, r).ToObject(c.rt).Get("json")
}
