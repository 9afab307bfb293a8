package httpx

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/tidwall/gjson"
)

// graphBody builds a Graph-like collection of about size bytes.
func graphBody(size int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#groups","value":[`)
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"%08d-0000-0000-0000-000000000000","displayName":"Group %d","description":"A group used to measure JSON extraction speed","mailNickname":"g%d","securityEnabled":true,"mailEnabled":false,"createdDateTime":"2024-01-02T03:04:05Z","groupTypes":[]}`, i, i, i)
	}
	b.WriteString(`],"@odata.nextLink":"https://graph.microsoft.com/v1.0/groups?$skiptoken=abc"}`)
	return b.Bytes()
}

func extractGJSON(body []byte) int {
	n := 0
	gjson.GetBytes(body, "value").ForEach(func(_, item gjson.Result) bool {
		if item.Get("id").Type == gjson.String {
			n++
		}
		return true
	})
	return n
}

func extractEncodingJSON(body []byte) int {
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		panic(err)
	}
	n := 0
	for _, it := range v["value"].([]any) {
		if _, ok := it.(map[string]any)["id"].(string); ok {
			n++
		}
	}
	return n
}

// BenchmarkExtract20MB reports how many times faster gjson extracts every id
// of a 20 MB page than encoding/json unmarshalling and walking it.
func BenchmarkExtract20MB(b *testing.B) {
	body := graphBody(20 << 20)
	b.SetBytes(int64(len(body)))
	var tg, tj time.Duration
	for b.Loop() {
		t0 := time.Now()
		n1 := extractGJSON(body)
		t1 := time.Now()
		n2 := extractEncodingJSON(body)
		tj += time.Since(t1)
		tg += t1.Sub(t0)
		if n1 != n2 {
			b.Fatalf("%d vs %d items", n1, n2)
		}
	}
	b.ReportMetric(float64(tj)/float64(tg), "x-faster-than-encoding/json")
	b.ReportMetric(float64(tg.Milliseconds())/float64(b.N), "gjson-ms/op")
}

// BenchmarkPagingLatency walks 20 pages served with 20 ms latency while the
// consumer spends 20 ms on each page. Fetching without prefetch would take
// pages × (latency + work); the metric "idle-ms/page" is what the walk took
// beyond pages × latency, i.e. the gap prefetch did not hide.
func BenchmarkPagingLatency(b *testing.B) {
	const pages, latency, work = 20, 20 * time.Millisecond, 20 * time.Millisecond
	g := &graphLike{n: pages * 100, pageSize: 100}
	srv, c, _ := newTLSServer(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(latency)
		g.ServeHTTP(w, r)
	}), Options{})
	defer srv.Close()
	g.base = srv.URL
	var total time.Duration
	for b.Loop() {
		t0 := time.Now()
		p, err := c.Pages(context.Background(), &Request{URL: srv.URL + "/v1.0/groups"}, PageOptions{},
			func(Page) error { time.Sleep(work); return nil })
		total += time.Since(t0)
		if err != nil || p.Pages != pages {
			b.Fatal(p, err)
		}
	}
	per := total / time.Duration(b.N)
	b.ReportMetric(float64((per-pages*latency).Milliseconds())/pages, "idle-ms/page")
	b.ReportMetric(float64(pages*(latency+work))/float64(per), "x-faster-than-no-prefetch")
}

// BenchmarkBatch100 compares Batch of 100 requests at 50 ms latency with
// the same requests one by one.
func BenchmarkBatch100(b *testing.B) {
	const latency = 50 * time.Millisecond
	srv, c, _ := newTLSServer(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(latency)
		_, _ = w.Write([]byte(`{"ok":true}`))
	}), Options{})
	defer srv.Close()
	reqs := make([]*Request, 100)
	for i := range reqs {
		reqs[i] = &Request{URL: srv.URL + "/item/" + strconv.Itoa(i)}
	}
	var tb, ts time.Duration
	for b.Loop() {
		t0 := time.Now()
		for _, r := range c.Batch(context.Background(), reqs, 0) {
			if r.Err != nil {
				b.Fatal(r.Err)
			}
		}
		t1 := time.Now()
		for _, r := range reqs {
			if _, err := c.Do(context.Background(), r); err != nil {
				b.Fatal(err)
			}
		}
		ts += time.Since(t1)
		tb += t1.Sub(t0)
	}
	b.ReportMetric(float64(ts)/float64(tb), "x-faster-than-sequential")
	b.ReportMetric(float64(tb.Milliseconds())/float64(b.N), "batch-ms/op")
}
