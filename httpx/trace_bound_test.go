package httpx

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
)

// After 1000 pages the trace holds at most TraceSize exchanges, each body
// at most BodyLimit bytes, and its own copies: the memory freed by
// ClearTrace is about TraceSize × BodyLimit, not TraceSize × the captured
// size (a slice of the captured body kept all of it alive).
func TestTraceBoundAfter1000Pages(t *testing.T) {
	const pages, size, bodyLimit, keep = 1000, 64 << 10, 4 << 10, 500
	srv := pagedServer(t, pages, size)
	c := clientFor(srv, Options{TraceSize: keep, BodyLimit: bodyLimit})
	seen := 0
	_, err := c.Pages(context.Background(), &Request{URL: srv.URL + "/items?page=0"}, PageOptions{}, func(p Page) error {
		seen += len(p.Items)
		return nil
	})
	if err != nil || seen != pages {
		t.Fatalf("walked %d items: %v", seen, err)
	}
	tr := c.Trace()
	if len(tr) != keep {
		t.Fatalf("trace keeps %d exchanges, want %d", len(tr), keep)
	}
	for _, e := range tr {
		if len(e.RespBody) > bodyLimit || !e.RespBodyCut || e.RespSize <= size {
			t.Fatalf("exchange %d: body %d bytes (cut %v) of %d", e.Index, len(e.RespBody), e.RespBodyCut, e.RespSize)
		}
	}
	tr = nil
	held := heapAlloc()
	c.ClearTrace()
	freed := int64(held) - int64(heapAlloc())
	// Headers and bookkeeping add a little per exchange; a slice of the
	// 64 KiB capture would free ~32 MB here.
	if limit := int64(keep * (bodyLimit + 4<<10)); freed > limit {
		t.Fatalf("the trace of %d exchanges held %d bytes, more than %d: bodies are not bounded copies", keep, freed, limit)
	}
	runtime.KeepAlive(c)
}

// The trace also bounds its bodies in all (TraceBytes): paging 1000 pages
// of 64 KiB with the default body limit keeps the newest exchanges whose
// bodies fit the budget, not 1000 × 64 KiB; a small exchange after them
// still goes in, and the default budget is DefaultTraceBytes.
func TestTraceByteBudget(t *testing.T) {
	const pages, size, budget = 1000, 64 << 10, 1 << 20
	srv := pagedServer(t, pages, size)
	if c := clientFor(srv, Options{}); c.trace.budget != DefaultTraceBytes || c.trace.bodyLimit != 64<<10 {
		t.Fatalf("default budget %d, body limit %d", c.trace.budget, c.trace.bodyLimit)
	}
	c := clientFor(srv, Options{TraceBytes: budget})
	p := c.NewPager(context.Background(), &Request{URL: srv.URL + "/items?page=0"}, PageOptions{})
	seen := 0
	for {
		page, ok, err := p.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		seen += len(page.Items)
	}
	if seen != pages {
		t.Fatalf("walked %d items", seen)
	}
	if _, err := c.Do(context.Background(), &Request{URL: srv.URL + "/small"}); err != nil {
		t.Fatal(err)
	}
	tr := c.Trace()
	total := 0
	for _, e := range tr {
		total += len(e.ReqBody) + len(e.RespBody)
	}
	last := tr[len(tr)-1]
	if total > budget || len(tr) < budget/(64<<10)-1 || len(tr) >= pages/10 || last.Index != pages+1 || last.RespBody != `{"ok":true}` {
		t.Fatalf("the trace keeps %d exchanges, %d bytes of bodies (budget %d), the last #%d %q", len(tr), total, budget, last.Index, last.RespBody)
	}
	if c.ClearTrace(); c.trace.bytes != 0 {
		t.Fatalf("after ClearTrace the trace counts %d bytes", c.trace.bytes)
	}
}

func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// A request body above the capture limit streams to the server whole; the
// trace keeps its start and its real size.
func TestTraceLargeRequestStreams(t *testing.T) {
	const size = 3 * captureLimit
	var got int64
	srv, _, _ := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		got = n
	}), Options{})
	c := clientFor(srv, Options{})
	req, err := http.NewRequest("PUT", srv.URL+"/blob", strings.NewReader(`{"password":"hunter2-secret",`+strings.Repeat(" ", size-30)+"}"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	tr := c.Trace()
	if got != size || len(tr) != 1 || tr[0].ReqSize != size || !tr[0].ReqBodyCut || strings.Contains(tr[0].ReqBody, "hunter2") {
		t.Errorf("server got %d bytes; trace %d exchanges, size %d, cut %v, body %.60q", got, len(tr), tr[0].ReqSize, tr[0].ReqBodyCut, tr[0].ReqBody)
	}
}

// pagedServer serves Graph-style pages at /items?page=N, each padded to
// about size bytes and linking to the next until pages; /small is a small
// answer of its own.
func pagedServer(t *testing.T, pages, size int) *httptest.Server {
	filler := strings.Repeat("x", size)
	srv, _, _ := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/small" {
			fmt.Fprint(w, `{"ok":true}`)
			return
		}
		var n int
		fmt.Sscan(r.URL.Query().Get("page"), &n)
		next := ""
		if n+1 < pages {
			next = fmt.Sprintf(`,"@odata.nextLink":"https://%s/items?page=%d"`, r.Host, n+1)
		}
		fmt.Fprintf(w, `{"value":[{"id":%d,"pad":"%s"}]%s}`, n, filler, next)
	}), Options{})
	return srv
}
