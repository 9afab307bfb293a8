package graph

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"strings"
	"testing"
)

// The Graph SDKs send $batch bodies gzip-compressed; Graph reads them.
func TestGzipRequestBody(t *testing.T) {
	srv := newTestServer(t, 3)
	tok := userToken(t, "User.Read Group.Read.All")
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, _ = zw.Write([]byte(`{"requests":[{"id":"1","method":"GET","url":"/me"},{"id":"2","method":"GET","url":"/groups?$top=2"}]}`))
	_ = zw.Close()
	r := do(t, srv, "POST", "/v1.0/$batch", tok, map[string]string{"Content-Type": "application/json", "Content-Encoding": "gzip"}, &b)
	var out batchOut
	if r.status != 200 || json.Unmarshal(r.body, &out) != nil || len(out.Responses) != 2 || out.Responses[0].Status != 200 || out.Responses[1].Status != 200 {
		t.Fatalf("gzip batch: %d %s", r.status, r.body)
	}
	// Not gzip although it says so: 400; an encoding Graph does not take: 415.
	r = do(t, srv, "POST", "/v1.0/$batch", tok, map[string]string{"Content-Type": "application/json", "Content-Encoding": "gzip"}, strings.NewReader(`{"requests":[]}`))
	if r.status != 400 {
		t.Fatalf("plain body called gzip: %d %s", r.status, r.body)
	}
	r = do(t, srv, "POST", "/v1.0/$batch", tok, map[string]string{"Content-Type": "application/json", "Content-Encoding": "br"}, strings.NewReader(`x`))
	if code, _ := graphError(t, r); r.status != 415 || code != "UnsupportedMediaType" {
		t.Fatalf("br: %d %s", r.status, r.body)
	}
}
