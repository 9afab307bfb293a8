package traceexport

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/azrepl/azrepl/httpx"
)

// TraceFormat names azrepl's trace file format and its version.
const TraceFormat = "azrepl-trace/1"

// TraceFile is azrepl's trace as a file (trace.json of azrepl record): the
// exchanges exactly as httpx recorded them, already redacted.
type TraceFile struct {
	Format    string           `json:"format"`
	Creator   string           `json:"creator"`           // "azrepl VERSION"
	Program   string           `json:"program,omitempty"` // what was recorded ("az login …")
	Started   time.Time        `json:"started,omitzero"`  // when the recording started
	Exchanges []httpx.Exchange `json:"exchanges"`
}

// WriteTrace writes exchanges as a trace file.
func WriteTrace(w io.Writer, f TraceFile) error {
	f.Format = TraceFormat
	if f.Exchanges == nil {
		f.Exchanges = []httpx.Exchange{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(f)
}

// ReadTrace reads a trace file written by WriteTrace.
func ReadTrace(data []byte) (TraceFile, error) {
	var f TraceFile
	if err := json.Unmarshal(data, &f); err != nil {
		return f, fmt.Errorf("not an azrepl trace: %w", err)
	}
	if f.Format != TraceFormat {
		if f.Format == "" {
			return f, errors.New("not an azrepl trace (no format member)")
		}
		return f, fmt.Errorf("trace format %q is not %q", f.Format, TraceFormat)
	}
	return f, nil
}
