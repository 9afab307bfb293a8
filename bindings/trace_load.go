package bindings

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/azrepl/azrepl/errcode"
	"github.com/azrepl/azrepl/explain"
	"github.com/azrepl/azrepl/httpx"
	"github.com/azrepl/azrepl/internal/safefile"
	"github.com/azrepl/azrepl/traceexport"
	"github.com/dop251/goja"
)

// traceViewKey holds, on each trace object, the exchanges it shows
// (not enumerable): trace.diff reads it.
const traceViewKey = "__azreplTraceView"

// loadTrace opens a recording: azrepl's trace.json (azrepl record) or a HAR
// 1.2 archive (browsers' developer tools, trace.har). A HAR goes through
// the trace's redaction as if its exchanges had just happened.
func (c *caller) loadTrace(file string) *goja.Object {
	f := &files{env: c.env, rt: c.rt}
	p := f.confine("trace.load", file, false)
	data, err := safefile.Read(c.env.Context(), p, maxReadFile) // never a FIFO or a device
	if errors.Is(err, safefile.ErrTooLarge) {
		Throw(c.rt, &Error{Code: errcode.TooLarge, Message: fmt.Sprintf("trace.load(%q): more than the %d MiB it reads", file, maxReadFile>>20), Err: err})
	}
	if err != nil {
		Throw(c.rt, f.fileError("trace.load", file, err))
	}
	var all []httpx.Exchange
	switch {
	case bytes.Contains(data[:min(len(data), 200)], []byte(`"format"`)):
		tf, err := traceexport.ReadTrace(data)
		if err != nil {
			Throw(c.rt, &Error{Code: errcode.BadRequest, Message: fmt.Sprintf("trace.load(%q): %v", file, err), Err: err})
		}
		all = tf.Exchanges
	default:
		all, err = traceexport.ReadHAR(data)
		if err != nil {
			Throw(c.rt, &Error{Code: errcode.BadRequest, Message: fmt.Sprintf("trace.load(%q): neither an azrepl trace nor %v", file, err), Err: err})
		}
	}
	byIndex := map[int]httpx.Exchange{}
	for _, e := range all {
		byIndex[e.Index] = e
	}
	return c.traceObject(traceView{name: filepath.Base(file),
		all:   func() []httpx.Exchange { return all },
		entry: func(i int) (httpx.Exchange, bool) { e, ok := byIndex[i]; return e, ok }})
}

// traceDiff compares two traces step by step: trace objects (trace,
// trace.load(…)) or file names; with one argument, it against this session.
func (c *caller) traceDiff(a, b goja.Value, live traceView) goja.Value {
	va := c.viewOf("a", a)
	vb := live
	if b != nil && !goja.IsUndefined(b) && !goja.IsNull(b) {
		vb = c.viewOf("b", b)
	}
	nameA, nameB := va.name, vb.name
	if nameA == nameB {
		nameA, nameB = nameA+" (a)", nameB+" (b)"
	}
	return c.rt.ToValue(explain.Diff(va.all(), vb.all(), nameA, nameB))
}

func (c *caller) viewOf(which string, v goja.Value) traceView {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		Throw(c.rt, &Error{Name: "TypeError", Code: errcode.BadArgument, Message: "trace.diff(a, b): " + which + " is missing: pass trace, trace.load(file) or a file name"})
	}
	if s, ok := v.Export().(string); ok {
		return c.viewOf(which, c.loadTrace(s))
	}
	if o, ok := v.(*goja.Object); ok {
		if x := o.Get(traceViewKey); x != nil {
			if tv, ok := x.Export().(traceView); ok {
				return tv
			}
		}
	}
	Throw(c.rt, &Error{Name: "TypeError", Code: errcode.BadArgument, Message: "trace.diff(a, b): " + which + " is not a trace: pass trace, trace.load(file) or a file name"})
	return traceView{}
}

// traceExplain is each exchange in words, as azrepl record's summary.
func (c *caller) traceExplain(all []httpx.Exchange) goja.Value {
	lines := make([]any, 0, len(all))
	for _, s := range explain.Steps(all) {
		lines = append(lines, explain.Line("client", s))
	}
	return c.rt.NewArray(lines...)
}
