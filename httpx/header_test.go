package httpx

import (
	"net/http"
	"slices"
	"testing"
)

func TestSortedHeaderOrdersNamesKeepsValuesSkips(t *testing.T) {
	h := http.Header{"X-B": {"2", "1"}, "Host": {"h"}, "X-A": {"a"}, "Accept": {"*/*"}}
	var got []string
	for k, v := range SortedHeader(h, map[string]bool{"Host": true}) {
		got = append(got, k+"="+v)
	}
	if want := []string{"Accept=*/*", "X-A=a", "X-B=2", "X-B=1"}; !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	got = got[:0]
	for k := range SortedHeader(h, nil) {
		got = append(got, k)
		if k == "Host" {
			break
		}
	}
	if want := []string{"Accept", "Host"}; !slices.Equal(got, want) {
		t.Fatalf("stopping early: got %q, want %q", got, want)
	}
}
