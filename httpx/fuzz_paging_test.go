package httpx

import (
	"bytes"
	"errors"
	"net/url"
	"testing"
)

// FuzzPagingLinks walks a listing whose pages are the fuzzer's bodies (one a
// line), as Pages does: whatever the links and tokens say, a followed page
// is on the first request's origin (credentials stay home), no page is
// followed twice (no loop), and a refused link says why with a known error.
func FuzzPagingLinks(f *testing.F) {
	f.Add([]byte(`{"@odata.nextLink":"https://graph.microsoft.com/v1.0/groups?$skiptoken=a"}` + "\n" +
		`{"@odata.nextLink":"https://graph.microsoft.com/v1.0/groups?$skiptoken=a"}`))
	f.Add([]byte(`{"@odata.nextLink":"https://evil.example.net/v1.0/groups"}`))
	f.Add([]byte(`{"@odata.nextLink":"http://graph.microsoft.com/v1.0/groups"}`))
	f.Add([]byte(`{"@odata.nextLink":"https://GRAPH.microsoft.com:443/v1.0/groups?$skiptoken=b"}`))
	f.Add([]byte(`{"@odata.nextLink":"https://graph.microsoft.com@evil.example.net/x"}`))
	f.Add([]byte(`{"@odata.nextLink":"//evil.example.net/x"}` + "\n" + `{"@odata.nextLink":"/v1.0/groups"}`))
	f.Add([]byte(`{"nextLink":"https://graph.microsoft.com/v1.0/groups?$skip=1"}` + "\n" + `{"nextLink":"https://graph.microsoft.com/v1.0/groups?$skip=2&x=1"}`))
	f.Add([]byte(`{"next_page_token":"t","has_more":true}` + "\n" + `{"next_page_token":"t","has_more":true}`))
	f.Add([]byte(`{"next_page_token":"\u0000","has_more":true}` + "\n" + `{"next_page_token":"%00","has_more":true}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		first := &Request{URL: "https://graph.microsoft.com/v1.0/groups", Query: url.Values{"$top": {"5"}}}
		origin, _ := url.Parse(first.URL)
		for _, next := range []NextFunc{GraphNext, ARMNext, DatabricksNext} {
			w := newPageWalk(first)
			followed := map[string]bool{pageKey(first): true}
			req := first
			for _, body := range bytes.Split(data, []byte("\n")) {
				n := next(req, body)
				if n == nil {
					break
				}
				if err := w.check(n, func(s string) string { return s }); err != nil {
					if !errors.Is(err, ErrRefused) && !errors.Is(err, ErrPagingLoop) && !errors.Is(err, ErrBadURL) {
						t.Fatalf("refusal without a known cause: %v", err)
					}
					break
				}
				u, err := url.Parse(n.URL)
				if err != nil || !sameOrigin(origin, u) {
					t.Fatalf("followed %q off the origin %s", n.URL, origin)
				}
				if followed[pageKey(n)] {
					t.Fatalf("followed %q twice", n.URL)
				}
				followed[pageKey(n)] = true
				req = n
			}
		}
	})
}
