package httpx

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

func TestBatchOrderAndPartialFailure(t *testing.T) {
	var inFlight, peak atomic.Int32
	release := make(chan struct{})
	var once sync.Once
	srv, c, _ := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cur := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			p := peak.Load()
			if cur <= p || peak.CompareAndSwap(p, cur) {
				break
			}
		}
		if cur == 4 {
			once.Do(func() { close(release) })
		}
		<-release // hold the first ones until the bound is reached
		i, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/item/"))
		switch {
		case i%7 == 3:
			w.WriteHeader(404)
			_, _ = w.Write([]byte(`{"error":{"code":"itemNotFound","message":"nope"}}`))
		case i%7 == 5:
			resetConn(w)
		default:
			_, _ = fmt.Fprintf(w, `{"n":%d}`, i)
		}
	}), Options{Retry: RetryPolicy{MaxAttempts: 1}})
	var reqs []*Request
	for i := range 40 {
		reqs = append(reqs, &Request{URL: fmt.Sprintf("%s/item/%d", srv.URL, i)})
	}
	res := c.Batch(context.Background(), reqs, 4)
	if len(res) != 40 {
		t.Fatal(len(res))
	}
	for i, r := range res {
		switch {
		case i%7 == 3:
			if r.Err != nil || r.Response.Status != 404 {
				t.Fatalf("%d: %+v", i, r)
			}
		case i%7 == 5:
			if r.Err == nil {
				t.Fatalf("%d: want a transport error", i)
			}
		default:
			if r.Err != nil || string(r.Response.Body) != fmt.Sprintf(`{"n":%d}`, i) {
				t.Fatalf("%d: %+v %v", i, r.Response, r.Err)
			}
		}
	}
	if peak.Load() != 4 {
		t.Fatalf("peak concurrency %d, want 4", peak.Load())
	}
}

// graphBatchServer answers $batch like Graph: at most 20 requests, answers
// in reverse order, and the first answer to each GET of /throttled is a 429.
type graphBatchServer struct {
	mu        sync.Mutex
	posts     []int // sizes
	throttled map[string]bool
}

func (g *graphBatchServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1.0/$batch" || r.Method != "POST" {
		http.Error(w, "not found", 404)
		return
	}
	var in struct {
		Requests []SubRequest `json:"requests"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || len(in.Requests) > 20 {
		w.WriteHeader(400)
		_, _ = w.Write([]byte(`{"error":{"code":"BadRequest","message":"too many or malformed"}}`))
		return
	}
	g.mu.Lock()
	g.posts = append(g.posts, len(in.Requests))
	var out []map[string]any
	for i := len(in.Requests) - 1; i >= 0; i-- {
		s := in.Requests[i]
		a := map[string]any{"id": s.ID, "status": 200, "headers": map[string]string{"Content-Type": "application/json"}}
		switch {
		case strings.HasPrefix(s.URL, "/throttled") && !g.throttled[s.ID]:
			g.throttled[s.ID] = true
			a["status"] = 429
			a["headers"] = map[string]string{"Retry-After": "3"}
			a["body"] = map[string]any{"error": map[string]string{"code": "TooManyRequests", "message": "later"}}
		case s.Method == "POST" && strings.HasPrefix(s.URL, "/throttled"):
			a["status"] = 429 // never retried: POST
		default:
			a["body"] = map[string]any{"url": s.URL, "method": s.Method}
		}
		out = append(out, a)
	}
	g.mu.Unlock()
	_ = json.NewEncoder(w).Encode(map[string]any{"responses": out})
}

func TestGraphBatchSplitsAndRetries(t *testing.T) {
	g := &graphBatchServer{throttled: map[string]bool{}}
	srv, c, _ := newTLSServer(t, g, Options{})
	w := recordWaits(c)
	var subs []SubRequest
	for i := range 45 {
		u := fmt.Sprintf("/users/%d", i)
		if i%10 == 0 {
			u = fmt.Sprintf("/throttled/%d", i)
		}
		subs = append(subs, SubRequest{Method: "GET", URL: srv.URL + "/v1.0" + u})
	}
	subs = append(subs, SubRequest{Method: "POST", URL: "/throttled/post", Body: json.RawMessage(`{}`)})
	got, err := c.GraphBatch(context.Background(), srv.URL+"/v1.0", subs)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 45 {
		want := fmt.Sprintf("/users/%d", i)
		if i%10 == 0 {
			want = fmt.Sprintf("/throttled/%d", i)
		}
		r := got[i]
		if r.Err != nil || r.Status != 200 || r.ID != strconv.Itoa(i+1) {
			t.Fatalf("%d: %+v", i, r)
		}
		var body struct{ URL string }
		_ = json.Unmarshal(r.Body, &body)
		if body.URL != want {
			t.Fatalf("%d: answer for %q, want %q", i, body.URL, want)
		}
		if wantAttempts := 1 + btoi(i%10 == 0); r.Attempts != wantAttempts {
			t.Fatalf("%d: attempts %d", i, r.Attempts)
		}
	}
	if post := got[45]; post.Status != 429 || post.Attempts != 1 {
		t.Fatalf("POST sub-request: %+v", post)
	}
	// 46 requests → 20 + 20 + 6; then the 5 throttled GETs in one more post.
	sizes := append([]int(nil), g.posts...)
	if len(sizes) != 4 || sizes[3] != 5 || sizes[0]+sizes[1]+sizes[2] != 46 {
		t.Fatalf("posts %v", sizes)
	}
	if ws := w.all(); len(ws) != 1 || ws[0].Seconds() != 3 {
		t.Fatalf("waits %v", ws)
	}
}

func TestGraphBatchRejectsBadInput(t *testing.T) {
	c := New(Options{Proxy: noProxy})
	if _, err := c.GraphBatch(context.Background(), "https://graph.microsoft.com/v1.0", []SubRequest{{ID: "a", URL: "/me"}, {ID: "a", URL: "/me"}}); err == nil {
		t.Fatal("duplicate ids accepted")
	}
	subs := make([]SubRequest, 21)
	for i := range subs {
		subs[i] = SubRequest{URL: "/me"}
	}
	subs[20].DependsOn = []string{"1"}
	if _, err := c.GraphBatch(context.Background(), "https://graph.microsoft.com/v1.0", subs); err == nil {
		t.Fatal("dependency across posts accepted")
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
