package httpx

import (
	"fmt"
	"mime"
	"net/http"
	"strings"
	"time"
)

// debugBodyLimit keeps --debug readable; the trace keeps more.
const debugBodyLimit = 4 << 10

// debugText renders an exchange for --debug: request line, headers, form
// fields or body, then status, timing, size, headers and body.
func (e Exchange) debugText() string {
	var b strings.Builder
	fmt.Fprintf(&b, "── #%d %s %s", e.Index, e.Method, e.URL)
	if e.Attempt > 1 {
		fmt.Fprintf(&b, "  (attempt %d)", e.Attempt)
	}
	b.WriteByte('\n')
	writeHeaders(&b, "> ", e.ReqHeader)
	if len(e.ReqForm) > 0 {
		for _, f := range e.ReqForm {
			fmt.Fprintf(&b, ">   %s=%s\n", f.Name, f.Value)
		}
	} else if e.ReqBody != "" {
		writeBody(&b, "> ", e.ReqBody, e.ReqSize)
	}
	if e.Err != "" {
		fmt.Fprintf(&b, "! %s (after %s)\n", e.Err, e.Duration.Round(time.Millisecond))
		return b.String()
	}
	mt, _, _ := mime.ParseMediaType(e.RespHeader.Get("Content-Type"))
	fmt.Fprintf(&b, "< %d %s  %s  %s", e.Status, http.StatusText(e.Status), e.Duration.Round(time.Millisecond), byteSize(e.RespSize))
	if mt != "" {
		b.WriteString("  " + mt)
	}
	b.WriteByte('\n')
	writeHeaders(&b, "< ", e.RespHeader)
	if e.RespBody != "" {
		writeBody(&b, "< ", e.RespBody, e.RespSize)
	}
	return b.String()
}

func writeHeaders(b *strings.Builder, prefix string, h http.Header) {
	for k, v := range SortedHeader(h, nil) {
		fmt.Fprintf(b, "%s%s: %s\n", prefix, k, v)
	}
}

func writeBody(b *strings.Builder, prefix, body string, size int64) {
	shown, cutShort := cut(body, debugBodyLimit)
	for _, line := range strings.Split(strings.TrimRight(shown, "\n"), "\n") {
		fmt.Fprintf(b, "%s  %s\n", prefix, strings.TrimRight(line, "\r"))
	}
	if cutShort || int64(len(body)) < size {
		fmt.Fprintf(b, "%s  … (%s in all)\n", prefix, byteSize(size))
	}
}

func byteSize(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000_000:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	default:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
}
