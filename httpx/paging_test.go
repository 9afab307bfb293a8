package httpx

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
)

// graphLike serves n groups in pages of pageSize with an opaque skiptoken
// in @odata.nextLink; every faultEvery-th request (0 = none) fails in turn
// with 429, 503 (an HTML page), a reset connection or a truncated body.
type graphLike struct {
	n, pageSize, faultEvery int
	requests, faults        atomic.Int64
	base                    string
	consistency             atomic.Int64 // requests that carried ConsistencyLevel: eventual
}

func (g *graphLike) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	k := g.requests.Add(1)
	if r.Header.Get("ConsistencyLevel") == "eventual" {
		g.consistency.Add(1)
	}
	if g.faultEvery > 0 && k%int64(g.faultEvery) == 0 {
		switch g.faults.Add(1) % 4 {
		case 0:
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
		case 1:
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("<html><title>Service Unavailable</title></html>"))
		case 2:
			resetConn(w)
		case 3:
			truncate(w)
		}
		return
	}
	offset := 0
	if tok := r.URL.Query().Get("$skiptoken"); tok != "" {
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil {
			http.Error(w, `{"error":{"code":"BadRequest","message":"bad skiptoken"}}`, 400)
			return
		}
		offset, _ = strconv.Atoi(string(raw[len("offset:"):]))
	}
	page := map[string]any{"@odata.context": g.base + "/v1.0/$metadata#groups"}
	var items []map[string]any
	for i := offset; i < min(offset+g.pageSize, g.n); i++ {
		items = append(items, map[string]any{"id": fmt.Sprintf("group-%05d", i), "displayName": fmt.Sprintf("Group %d", i)})
	}
	page["value"] = items
	if offset+g.pageSize < g.n {
		tok := base64.RawURLEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(offset+g.pageSize)))
		page["@odata.nextLink"] = g.base + "/v1.0/groups?$top=" + strconv.Itoa(g.pageSize) + "&$skiptoken=" + tok
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(page)
}

func TestPagingWithFaultsLosesNothing(t *testing.T) {
	g := &graphLike{n: 5000, pageSize: 100, faultEvery: 5} // 20% of requests fail
	srv, c, _ := newTLSServer(t, g, Options{})
	g.base = srv.URL
	recordWaits(c)
	seen := map[string]int{}
	var progress []Progress
	p, err := c.Pages(context.Background(), &Request{URL: srv.URL + "/v1.0/groups?$top=100"},
		PageOptions{Progress: func(p Progress) { progress = append(progress, p) }},
		func(pg Page) error {
			for _, it := range pg.Items {
				seen[it.Get("id").String()]++
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 5000 || p.Items != 5000 || p.Pages != 50 {
		t.Fatalf("unique %d, items %d, pages %d", len(seen), p.Items, p.Pages)
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("%s seen %d times", id, n)
		}
	}
	if g.faults.Load() < 10 || len(progress) != 50 || progress[49].Items != 5000 {
		t.Fatalf("faults %d, progress reports %d", g.faults.Load(), len(progress))
	}
}

func TestPagingMaxStopsEarly(t *testing.T) {
	g := &graphLike{n: 5000, pageSize: 100}
	srv, c, _ := newTLSServer(t, g, Options{})
	g.base = srv.URL
	var got int
	p, err := c.Pages(context.Background(), &Request{URL: srv.URL + "/v1.0/groups"}, PageOptions{Max: 250},
		func(pg Page) error { got += len(pg.Items); return nil })
	if err != nil || got != 250 || p.Items != 250 {
		t.Fatalf("got %d (%+v) err %v", got, p, err)
	}
	// The fetcher stops once it has seen Max items: 3 pages, no more.
	if n := g.requests.Load(); n != 3 {
		t.Fatalf("%d requests for 250 items of pages of 100", n)
	}
}

func TestPagingErrorStops(t *testing.T) {
	var n atomic.Int32
	srv, c, _ := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 2 {
			w.WriteHeader(403)
			_, _ = w.Write([]byte(`{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation."}}`))
			return
		}
		_, _ = fmt.Fprintf(w, `{"value":[{"id":"a"}],"@odata.nextLink":"https://%s/next"}`, r.Host)
	}), Options{})
	p, err := c.Pages(context.Background(), &Request{URL: srv.URL}, PageOptions{}, func(Page) error { return nil })
	var se *ServiceError
	if !asServiceError(err, &se) || se.Code != "Authorization_RequestDenied" || p.Items != 1 {
		t.Fatalf("err %v progress %+v", err, p)
	}
}

func TestDatabricksPaging(t *testing.T) {
	srv, c, _ := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("limit") != "2" {
			http.Error(w, `{"error_code":"INVALID_PARAMETER_VALUE","message":"limit lost"}`, 400)
			return
		}
		switch r.URL.Query().Get("page_token") {
		case "":
			_, _ = w.Write([]byte(`{"jobs":[{"job_id":1},{"job_id":2}],"has_more":true,"next_page_token":"p2"}`))
		case "p2":
			_, _ = w.Write([]byte(`{"jobs":[{"job_id":3}],"has_more":false,"next_page_token":"ignored"}`))
		default:
			http.Error(w, "{}", 400)
		}
	}), Options{})
	var ids []int64
	_, err := c.Pages(context.Background(), &Request{URL: srv.URL + "/api/2.1/jobs/list", Query: map[string][]string{"limit": {"2"}}},
		PageOptions{Items: "jobs", Next: DatabricksNext}, func(pg Page) error {
			for _, j := range pg.Items {
				ids = append(ids, j.Get("job_id").Int())
			}
			return nil
		})
	if err != nil || fmt.Sprint(ids) != "[1 2 3]" {
		t.Fatalf("ids %v err %v", ids, err)
	}
}

func asServiceError(err error, target **ServiceError) bool {
	se, ok := err.(*ServiceError)
	if ok {
		*target = se
	}
	return ok
}
