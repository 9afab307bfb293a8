package bindings

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/azrepl/azrepl/errcode"
	"github.com/azrepl/azrepl/httpx"
	"github.com/azrepl/azrepl/internal/version"
	"github.com/azrepl/azrepl/traceexport"
)

// writeExport writes the trace as a HAR, .http or HTML report file (0600:
// it names the tenant, accounts and resources, though no secret) and says
// what it wrote.
func (c *caller) writeExport(all []httpx.Exchange, kind, file string) string {
	if strings.TrimSpace(file) == "" || file == "undefined" {
		Throw(c.rt, &Error{Name: "TypeError", Code: errcode.BadRequest, Message: fmt.Sprintf("trace.%s(file): a file name is needed", kind)})
	}
	p := confinePath(c.env, c.rt, "trace."+kind, file, true)
	n, err := WriteTraceExport(all, kind, p)
	if err != nil {
		Throw(c.rt, &Error{Code: errcode.BadRequest, Message: fmt.Sprintf("trace.%s: %v", kind, err), Err: err})
	}
	return fmt.Sprintf("wrote %d exchanges to %s", n, file)
}

// WriteTraceExport writes exchanges as kind ("har", "http", "report") to
// file, atomically, 0600.
func WriteTraceExport(all []httpx.Exchange, kind, file string) (int, error) {
	var b bytes.Buffer
	var err error
	switch kind {
	case "har":
		err = traceexport.HAR(&b, all, buildVersion())
	case "http":
		err = traceexport.HTTPFile(&b, all)
	case "report":
		err = traceexport.Report(&b, all, traceexport.ReportOptions{Version: buildVersion()})
	default:
		err = fmt.Errorf("unknown export %q", kind)
	}
	if err != nil {
		return 0, err
	}
	if err := writeAtomic(file, b.Bytes(), 0o600); err != nil {
		return 0, err
	}
	return len(all), nil
}

// buildVersion is the version azrepl was built as (internal/version).
func buildVersion() string { return version.String() }
