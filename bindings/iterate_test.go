package bindings_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/internal/testenv"
	"github.com/azrepl/azrepl/runtime"
)

// graphRequests counts the Graph group listings in the emulator's request log.
func graphRequests(log *testenv.Buffer) int {
	return strings.Count(log.String(), "/v1.0/groups")
}

// graph.iter and graph.each give the items graph.all gives, and stopping
// early fetches at most the one page that was already coming.
func TestGraphIterAndEach(t *testing.T) {
	log := &testenv.Buffer{}
	h := readerHarness(t, emulated(emulator.Config{Groups: 1000, Log: log}))

	if got := h.js(`(() => { let n = 0; const ids = new Set();
		for (const g of graph.iter("/groups?$top=100&$select=id")) { ids.add(g.id); if (++n === 150) break }
		return [n, ids.size] })()`); got != "[150,150]" {
		t.Fatalf("iter with break: %s", got)
	}
	if n := graphRequests(log); n < 2 || n > 3 {
		t.Fatalf("breaking after 150 of 1000 items (10 pages) sent %d requests, want 2 or 3 (one page ahead)", n)
	}
	before := graphRequests(log)
	if got := h.js(`(() => { let m = 0; const r = graph.each("/groups?$top=100", (g, i) => { m++; return i < 29 }); return [m, r] })()`); got != "[30,30]" {
		t.Fatalf("each returning false: %s", got)
	}
	if n := graphRequests(log) - before; n > 2 {
		t.Fatalf("each stopped on the first page but sent %d requests", n)
	}
	if got := h.js(`(() => {
		const all = graph.all("/groups?$top=99").map(g => g.id);
		const it = [...graph.iter("/groups?$top=99")].map(g => g.id);
		const ev = []; graph.each("/groups?$top=99", g => { ev.push(g.id) });
		const max = [...graph.iter("/groups?$top=99", {max: 150})].length;
		return [all.length, new Set(all).size, JSON.stringify(all) === JSON.stringify(it), JSON.stringify(all) === JSON.stringify(ev), max] })()`); got != "[1000,1000,true,true,150]" {
		t.Fatalf("iter/each against all: %s", got)
	}
	if got := h.jsErr(`for (const g of graph.iter("/nosuchthing")) {}`); !strings.Contains(got, `"code":"NOT_FOUND"`) && !strings.Contains(got, `"status":4`) {
		t.Fatalf("a failing listing: %s", got)
	}
	if got := h.jsErr(`graph.each("/groups", g => { throw new Error("mine") })`); !strings.Contains(got, `"message":"mine"`) {
		t.Fatalf("each's callback exception: %s", got)
	}
}

// Ctrl-C (the evaluation's context cancelled) stops an iteration that waits
// for a slow page at once, with CANCELLED.
func TestGraphIterInterrupted(t *testing.T) {
	log := &testenv.Buffer{}
	h := readerHarness(t, emulated(emulator.Config{Groups: 1000, Latency: 100 * time.Millisecond, Log: log}))
	h.js(`graph.get("/groups?$top=1").status`) // token and connection ready
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(500*time.Millisecond, cancel)
	_, err := h.rt.Eval(ctx, "t", `let n = 0; for (const g of graph.iter("/groups?$top=10")) n++; n`)
	if err == nil {
		t.Fatal("the iteration was not interrupted")
	}
	if msg, _ := runtime.Describe(err, false); !strings.Contains(msg, "interrupted") && !strings.Contains(msg, "CANCELLED") {
		t.Fatalf("interrupted iteration: %s", msg)
	}
	if n := graphRequests(log); n >= 100 {
		t.Fatalf("%d requests: the iteration ran to the end", n)
	}
}
