package httpx

import (
	"iter"
	"maps"
	"net/http"
	"slices"
)

// SortedHeader yields every value of h with its name, names in sorted order
// so that a trace, a curl command or an export reads the same every time,
// leaving out the names in skip.
func SortedHeader(h http.Header, skip map[string]bool) iter.Seq2[string, string] {
	return func(yield func(name, value string) bool) {
		for _, k := range slices.Sorted(maps.Keys(h)) {
			if skip[k] {
				continue
			}
			for _, v := range h[k] {
				if !yield(k, v) {
					return
				}
			}
		}
	}
}
