package httpx

import (
	"bytes"
	"context"
	"io"
	"mime"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/azrepl/azrepl/internal/version"
)

// Exchange is one HTTP request and its answer as recorded in the trace.
// Every secret in it is already masked.
type Exchange struct {
	Index    int // 1-based, in the order the requests started
	Attempt  int // 1 unless Do retried
	Time     time.Time
	Method   string
	URL      string
	Status   int // 0 when no answer came
	Duration time.Duration

	ReqHeader, RespHeader http.Header
	ReqBody, RespBody     string      // size-capped
	ReqForm               []FormField // set for form bodies, in body order
	ReqSize, RespSize     int64       // real sizes in bytes
	ReqBodyCut            bool        // ReqBody holds only the start of the body
	RespBodyCut           bool
	BasicUser             string // the user (client id) of a Basic Authorization header
	Err                   string // transport error, if any

	// Tokens are the public claims of the JWTs sent and received (traceclaims.go).
	Tokens []TokenClaims
}

// captureLimit bounds how much of a body is held for redaction; redacting
// before cutting to the display limit means a secret is never cut in half.
const captureLimit = 256 << 10

// captureMargin is what is captured past the display limit: a secret that
// starts before the limit and is shorter than this is redacted whole.
const captureMargin = 32 << 10

// respCapture is how much of a response body is captured: the display
// limit and a margin, never more than captureLimit (redacting and copying
// 256 KiB of each 600 KB Graph page was most of graph.all's CPU).
func (t *traceRing) respCapture() int { return min(captureLimit, t.bodyLimit+captureMargin) }

type traceRing struct {
	mu        sync.Mutex
	next      int
	items     []Exchange
	size      int // exchanges kept at most
	bodyLimit int // bytes of each body
	budget    int // bytes of all bodies
	bytes     int // bytes of the bodies kept
	red       *redactor

	debugMu sync.Mutex
	debug   io.Writer
}

func (t *traceRing) nextIndex() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.next++
	return t.next
}

func (t *traceRing) add(e Exchange) {
	t.mu.Lock()
	t.items = append(t.items, e)
	t.bytes += e.bodyBytes()
	for len(t.items) > 1 && (len(t.items) > t.size || t.bytes > t.budget) {
		t.bytes -= t.items[0].bodyBytes()
		t.items[0] = Exchange{}
		t.items = t.items[1:] // append moves the rest to a new array in time
	}
	t.mu.Unlock()
	if t.debug != nil {
		t.debugMu.Lock()
		// A server's escape sequences never reach the terminal.
		_, _ = io.WriteString(t.debug, EscapeControls(e.debugText()))
		t.debugMu.Unlock()
	}
}

func (e *Exchange) bodyBytes() int { return len(e.ReqBody) + len(e.RespBody) }

// Trace returns the recorded exchanges, oldest first (at most the last
// Options.TraceSize).
func (c *Client) Trace() []Exchange {
	c.trace.mu.Lock()
	defer c.trace.mu.Unlock()
	out := append([]Exchange(nil), c.trace.items...)
	sort.Slice(out, func(i, j int) bool { return out[i].Index < out[j].Index })
	return out
}

// TraceEntry returns the exchange with the given Index, if still kept.
func (c *Client) TraceEntry(index int) (Exchange, bool) {
	c.trace.mu.Lock()
	defer c.trace.mu.Unlock()
	for _, e := range c.trace.items {
		if e.Index == index {
			return e, true
		}
	}
	return Exchange{}, false
}

// ClearTrace forgets the recorded exchanges; numbering goes on.
func (c *Client) ClearTrace() {
	c.trace.mu.Lock()
	c.trace.items, c.trace.bytes = nil, 0
	c.trace.mu.Unlock()
}

// traceSlot lets Do learn which exchange its attempt produced.
type traceSlot struct {
	attempt int
	mu      sync.Mutex
	ex      *Exchange
}

type traceSlotKey struct{}

func withSlot(ctx context.Context, s *traceSlot) context.Context {
	return context.WithValue(ctx, traceSlotKey{}, s)
}

type tracingTransport struct {
	base http.RoundTripper
	ring *traceRing
}

func (t *tracingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	if req.Header.Get("User-Agent") == "" {
		// Every request says it is azrepl (not Go-http-client), as az and
		// the SDKs name themselves; a caller's own User-Agent is kept.
		req = req.Clone(req.Context())
		req.Header.Set("User-Agent", version.UserAgent())
	}
	rec := &recording{ring: t.ring, start: start, req: req, reqHeader: req.Header.Clone()}
	rec.index = t.ring.nextIndex()
	if s, ok := req.Context().Value(traceSlotKey{}).(*traceSlot); ok {
		rec.slot = s
	}
	out := req
	if req.Body != nil && req.Body != http.NoBody && req.ContentLength > captureLimit {
		// A large upload streams: only its start is kept for the trace, so
		// memory stays bounded whatever its size.
		rec.reqStream = &capturingReader{rc: req.Body, limit: captureLimit}
		out = req.Clone(req.Context())
		out.Body = rec.reqStream
	} else if req.Body != nil && req.Body != http.NoBody {
		body, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			rec.finish(0, nil, err)
			return nil, err
		}
		rec.reqBody = body
		out = req.Clone(req.Context())
		out.Body = io.NopCloser(bytes.NewReader(body))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		out.ContentLength = int64(len(body))
	}
	resp, err := t.base.RoundTrip(out)
	if err != nil {
		rec.finish(0, nil, err)
		return nil, err
	}
	rec.resp = resp
	rb := &recordingBody{rc: resp.Body, rec: rec, limit: t.ring.respCapture()}
	if resp.ContentLength > 0 {
		rb.buf = make([]byte, 0, min(resp.ContentLength, int64(rb.limit)))
	}
	resp.Body = rb
	return resp, nil
}

// recording collects one exchange until its response body is done.
type recording struct {
	ring      *traceRing
	slot      *traceSlot
	index     int
	start     time.Time
	req       *http.Request
	reqHeader http.Header
	reqBody   []byte
	reqStream *capturingReader // a large request body, streamed
	resp      *http.Response
	once      sync.Once
}

type recordingBody struct {
	rc    io.ReadCloser
	rec   *recording
	buf   []byte
	limit int // bytes captured
	size  int64
}

func (b *recordingBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.size += int64(n)
	if room := b.limit - len(b.buf); room > 0 && n > 0 {
		add := p[:min(n, room)]
		if len(b.buf)+len(add) > cap(b.buf) { // double, not append's quarter
			grown := make([]byte, len(b.buf), min(b.limit, max(2*cap(b.buf), len(b.buf)+len(add), 4<<10)))
			copy(grown, b.buf)
			b.buf = grown
		}
		b.buf = append(b.buf, add...)
	}
	if err == io.EOF {
		b.rec.finishBody(b, nil)
	} else if err != nil {
		b.rec.finishBody(b, err)
	}
	return n, err
}

func (b *recordingBody) Close() error {
	err := b.rc.Close()
	b.rec.finishBody(b, nil)
	return err
}

func (r *recording) finishBody(b *recordingBody, err error) {
	r.once.Do(func() {
		r.build(r.resp.StatusCode, b, err)
		b.buf = nil // the trace holds its own bounded copy
	})
}

func (r *recording) finish(status int, b *recordingBody, err error) {
	r.once.Do(func() { r.build(status, b, err) })
}

func (r *recording) build(status int, body *recordingBody, err error) {
	red := r.ring.red
	reqSize := int64(len(r.reqBody))
	if r.reqStream != nil {
		r.reqBody, reqSize = r.reqStream.captured()
	}
	e := Exchange{
		Index:    r.index,
		Attempt:  1,
		Time:     r.start,
		Method:   r.req.Method,
		Status:   status,
		Duration: time.Since(r.start),
		ReqSize:  reqSize,
	}
	if r.slot != nil {
		e.Attempt = r.slot.attempt
	}
	if auth := r.reqHeader.Get("Authorization"); auth != "" {
		if _, tok, ok := cutScheme(auth); ok {
			red.add(tok) // a bearer token or PAT, masked wherever else it shows up
		}
		e.BasicUser, _ = basicUser(auth)
	}
	// Learn the secrets of the request first, so that a response echoing one is masked.
	ct := r.reqHeader.Get("Content-Type")
	if isForm(ct) {
		if fields, ok := red.form(string(r.reqBody)); ok {
			e.ReqForm = fields
			e.ReqBody, e.ReqBodyCut = cut(encodeForm(fields), r.ring.bodyLimit)
		}
	}
	values := secretValues(r.req.URL)
	if e.ReqForm == nil && len(r.reqBody) > 0 {
		raw := string(r.reqBody[:min(len(r.reqBody), captureLimit)])
		if values {
			raw = red.maskValues(raw)
		}
		red.learnJSON(raw)
		e.ReqBody, e.ReqBodyCut = cut(red.text(raw), r.ring.bodyLimit)
		e.ReqBodyCut = e.ReqBodyCut || int64(len(r.reqBody)) < reqSize
	}
	if body != nil {
		raw := string(body.buf)
		if values {
			raw = red.maskValues(raw)
		}
		red.learnJSON(raw)
		e.RespSize = body.size
		e.RespBody, e.RespBodyCut = cut(red.text(raw), r.ring.bodyLimit)
		e.RespBodyCut = e.RespBodyCut || body.size > int64(len(body.buf))
	}
	var respRaw []byte
	if body != nil {
		respRaw = body.buf
	}
	e.Tokens = traceTokens(r.reqHeader.Get("Authorization"), ct, r.reqBody, respRaw)
	e.URL = red.url(r.req.URL.String())
	e.ReqHeader = red.header(r.reqHeader)
	if r.resp != nil {
		e.RespHeader = red.header(r.resp.Header)
	}
	if err != nil {
		e.Err = red.text(err.Error())
	}
	r.ring.add(e)
	if r.slot != nil {
		r.slot.mu.Lock()
		r.slot.ex = &e
		r.slot.mu.Unlock()
	}
}

func cutScheme(v string) (scheme, cred string, ok bool) {
	scheme, cred, ok = strings.Cut(strings.TrimSpace(v), " ")
	cred = strings.TrimSpace(cred)
	return scheme, cred, ok && cred != ""
}

func isForm(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/x-www-form-urlencoded"
}

// cut shortens s to at most limit bytes on a rune boundary. A shortened
// string is a copy: a slice would keep the whole captured body alive in the
// trace (256 KiB per exchange instead of the limit).
func cut(s string, limit int) (string, bool) {
	if len(s) <= limit {
		return s, false
	}
	i := limit
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return strings.Clone(s[:i]), true
}

// capturingReader passes a request body on and keeps its first limit bytes.
type capturingReader struct {
	rc    io.ReadCloser
	limit int
	mu    sync.Mutex
	buf   []byte
	n     int64
}

func (c *capturingReader) Read(p []byte) (int, error) {
	n, err := c.rc.Read(p)
	c.mu.Lock()
	c.n += int64(n)
	if room := c.limit - len(c.buf); room > 0 && n > 0 {
		c.buf = append(c.buf, p[:min(n, room)]...)
	}
	c.mu.Unlock()
	return n, err
}

func (c *capturingReader) Close() error { return c.rc.Close() }

// captured is a copy of the start of the body and the bytes read so far.
func (c *capturingReader) captured() ([]byte, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]byte(nil), c.buf...), c.n
}
