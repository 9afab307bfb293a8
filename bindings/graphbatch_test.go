package bindings_test

import (
	"strings"
	"testing"

	"github.com/azrepl/azrepl/emulator"
)

// batchPosts counts the $batch posts the harness's client sent.
func batchPosts(h *harness) int {
	n := 0
	for _, e := range h.http.Trace() {
		if strings.HasSuffix(e.URL, "/$batch") {
			n++
		}
	}
	return n
}

// Graph throttles inside a batch: the envelope is 200 and single items are
// 429 with their own, possibly fractional, Retry-After (the emulator's
// faults answer so on $batch). graph.batch sends those items again after
// their Retry-After, a bounded number of times, and only idempotent ones.
func TestGraphBatchResendsThrottledItems(t *testing.T) {
	// Every second request is throttled: each item ends 200.
	h := readerHarness(t, emulated(emulator.Config{Groups: 30, Faults: "every=2,kinds=429,host=graph.microsoft.com"}))
	got := h.js(`(() => {
		const ids = graph.all("/groups?$select=id", {max: 25}).map(g => g.id);
		const answers = graph.batch(ids.map(id => ({method: "GET", url: "/groups/" + id + "?$select=id"})));
		return {n: answers.length, ok: answers.every((a, i) => a.status === 200 && a.body.id === ids[i])}
	})()`)
	if want := `{"n":25,"ok":true}`; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	if n := batchPosts(h); n <= 2 {
		t.Fatalf("%d $batch posts for 25 items: no item was sent again", n)
	}

	// Every post throttles its first item: that item is given up after the
	// client's 5 attempts, answered as Graph last answered it.
	h = readerHarness(t, emulated(emulator.Config{Groups: 30, Faults: "every=1,kinds=429,host=graph.microsoft.com"}))
	got = h.js(`(() => {
		const answers = graph.batch(Array.from({length: 25}, (_, i) => ({method: "GET", url: "/groups?$top=1&$select=id"})));
		return {first: answers[0].status, retryAfter: answers[0].headers["retry-after"],
			code: answers[0].body.error.code, rest: answers.slice(1).every(a => a.status === 200)}
	})()`)
	if want := `{"first":429,"retryAfter":"0.249","code":"TooManyRequests","rest":true}`; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	if n := batchPosts(h); n != 2+4 {
		t.Fatalf("%d $batch posts, want 2 then 4 resends of the throttled item", n)
	}

	// A POST is not sent again: it may have been done.
	h = readerHarness(t, emulated(emulator.Config{Groups: 5, Faults: "every=1,kinds=429,host=graph.microsoft.com"}))
	got = h.js(`graph.batch([{method: "POST", url: "/groups", body: {displayName: "x"}}, {method: "GET", url: "/groups?$top=1"}]).map(a => a.status).join(",")`)
	if got != `"429,200"` {
		t.Fatalf("POST then GET: %s", got)
	}
	if n := batchPosts(h); n != 1 {
		t.Fatalf("%d $batch posts, want 1", n)
	}
}
