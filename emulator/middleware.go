package emulator

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/azrepl/azrepl/emulator/graph"
	"github.com/azrepl/azrepl/emulator/internal/wire"
)

// sensitiveHeader reports whether a header's value is a credential.
func sensitiveHeader(name string) bool {
	n := strings.ToLower(name)
	return n == "authorization" || n == "proxy-authorization" || n == "cookie" || n == "set-cookie" ||
		n == "x-identity-header" || strings.Contains(n, "token") || strings.Contains(n, "secret")
}

func maskedHeaders(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k, vs := range h {
		v := strings.Join(vs, ", ")
		if sensitiveHeader(k) {
			if scheme, _, ok := strings.Cut(v, " "); ok && strings.ToLower(k) == "authorization" {
				v = scheme + " ***"
			} else {
				v = "***"
			}
		}
		out[k] = v
	}
	return out
}

func sortedKeys(v url.Values) []string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// formFieldNames reads a urlencoded body for its field names and puts the body back.
func formFieldNames(r *http.Request) []string {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if r.Body == nil || ct != "application/x-www-form-urlencoded" {
		return nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	_ = r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return nil
	}
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return nil
	}
	return sortedKeys(v)
}

// statusWriter remembers the status; it passes Hijack through for resets.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusWriter) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (s *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := s.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("connection cannot be hijacked")
	}
	return h.Hijack()
}

// wrap adds, around every service: a trace id, the request log, latency and faults.
// maxRequestBody bounds what any request may send: the services it stands
// for take a few MB at most (Graph's $batch 4 MB), and a body held in
// memory must not grow the emulator without end.
const maxRequestBody = 8 << 20

func (em *Emulator) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > maxRequestBody {
			wire.JSON(w, http.StatusRequestEntityTooLarge, map[string]any{"error": "request_too_large",
				"message": fmt.Sprintf("The request body is larger than the emulator's %d MB.", maxRequestBody>>20)})
			return
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, maxRequestBody)
		}
		start := time.Now()
		traceID := wire.RandomGUID()
		r = wire.WithTraceID(r, traceID)
		w.Header().Set("x-ms-request-id", traceID)
		if id := r.Header.Get("Client-Request-Id"); id != "" {
			w.Header().Set("client-request-id", id)
		}
		fields := formFieldNames(r)
		sw := &statusWriter{ResponseWriter: w}
		kind, faulted := em.faults.pick(r.Host)
		defer func() {
			entry := map[string]any{
				"time": start.UTC().Format(time.RFC3339Nano), "method": r.Method, "host": r.Host,
				"path": r.URL.Path, "query": sortedKeys(r.URL.Query()), "form": fields,
				"headers": maskedHeaders(r.Header), "status": sw.status,
				"ms": time.Since(start).Milliseconds(), "trace_id": traceID,
			}
			if faulted {
				entry["fault"] = string(kind)
			}
			em.log.write(entry)
		}()
		if em.cfg.Latency > 0 {
			t := time.NewTimer(em.cfg.Latency)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		if faulted && kind == fault429 && faultService(r) == "graph" && graph.IsBatch(r) {
			// Graph throttles inside a batch: 200 with one item at 429.
			next.ServeHTTP(sw, r.WithContext(graph.ThrottleBatch(r.Context())))
			return
		}
		if faulted {
			injectFault(sw, r, kind, next)
			return
		}
		next.ServeHTTP(sw, r)
	})
}

func injectFault(w *statusWriter, r *http.Request, kind faultKind, next http.Handler) {
	switch kind {
	case fault429, fault503:
		writeFaultBody(w, r, kind)
	case faultHTML:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>emulated proxy</center></body></html>\n")
	case faultReset:
		w.status = -1 // no HTTP status: the connection was reset
		conn, _, err := w.Hijack()
		if err != nil {
			panic(http.ErrAbortHandler)
		}
		resetConn(conn)
	case faultTruncate:
		rec := &bufferWriter{header: http.Header{}}
		next.ServeHTTP(rec, r)
		for k, vs := range rec.header {
			w.Header()[k] = vs
		}
		body := rec.body.Bytes()
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		w.WriteHeader(rec.status)
		_, _ = w.Write(body[:len(body)/2])
		w.Flush()
		// Aborting closes the connection before Content-Length bytes were sent.
		panic(http.ErrAbortHandler)
	}
}

// resetConn closes with SO_LINGER 0 so the peer sees a TCP reset.
func resetConn(c net.Conn) {
	type netConner interface{ NetConn() net.Conn }
	for {
		nc, ok := c.(netConner)
		if !ok {
			break
		}
		c = nc.NetConn()
	}
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.Close()
}

// bufferWriter records a whole response (for truncation).
type bufferWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferWriter) Header() http.Header { return b.header }
func (b *bufferWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}
func (b *bufferWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}
