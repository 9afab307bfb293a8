package emulator

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/emulator/world"
)

// A tenant of a million groups pages correctly: every id once, in 1,002
// pages of $select=id&$top=999, with $count, and a seeded group is found by
// id and by $filter. Plain Go HTTP, so the test measures the emulator.
func TestMillionGroupsPaging(t *testing.T) {
	n := 1_000_000
	if raceEnabled {
		n = 100_000
	}
	em := startEmulator(t, Config{Groups: n})
	fetch := readerGraph(t, em)
	seen := make([]bool, n)
	type group struct {
		ID string `json:"id"`
	}
	pages, count := graphPages(fetch, "https://graph.microsoft.com/v1.0/groups?$select=id&$top=999&$count=true", func(page int, g group) {
		i, ok := world.SeededGroupIndex(g.ID)
		if !ok || i >= n || seen[i] {
			t.Fatalf("page %d: id %q (index %d, seen %v)", page, g.ID, i, ok && i < n && seen[i])
		}
		seen[i] = true
	})
	for i, ok := range seen {
		if !ok {
			t.Fatalf("group %d never listed", i)
		}
	}
	if pages != (n+998)/999 || count != n {
		t.Fatalf("%d pages, @odata.count %d", pages, count)
	}
	last := world.SeededGroup(n - 1)
	var one struct{ DisplayName string }
	fetch("https://graph.microsoft.com/v1.0/groups/"+strings.ToUpper(last.ID)+"?$select=displayName", &one)
	if one.DisplayName != last.DisplayName {
		t.Fatalf("group by id: %q, want %q", one.DisplayName, last.DisplayName)
	}
	var filtered struct{ Value []struct{ ID string } }
	fetch("https://graph.microsoft.com/v1.0/groups?$filter="+url.QueryEscape("displayName eq '"+last.DisplayName+"'"), &filtered)
	if len(filtered.Value) != 1 || filtered.Value[0].ID != last.ID {
		t.Fatalf("$filter: %+v", filtered.Value)
	}
}

// graphPages follows @odata.nextLink from u, calling each with every item
// and its page's number; it returns the number of pages and the first
// page's @odata.count.
func graphPages[T any](fetch func(u string, v any), u string, each func(page int, item T)) (pages, count int) {
	var page struct {
		Count int    `json:"@odata.count"`
		Next  string `json:"@odata.nextLink"`
		Value []T    `json:"value"`
	}
	for ; u != ""; u = page.Next {
		page.Next, page.Value = "", nil
		fetch(u, &page)
		if pages == 0 {
			count = page.Count
		}
		pages++
		for _, v := range page.Value {
			each(pages, v)
		}
	}
	return pages, count
}

// readerGraph signs reader-app in (client credentials) and returns a GET of
// a Graph URL with ConsistencyLevel: eventual that decodes a 200 into v.
// Plain Go HTTP, so the tests measure the emulator.
func readerGraph(t *testing.T, em *Emulator) func(u string, v any) {
	t.Helper()
	c := em.HTTPClient()
	auth := "Bearer " + readerToken(t, em)
	return func(u string, v any) {
		t.Helper()
		req, _ := http.NewRequest("GET", u, nil)
		req.Header.Set("Authorization", auth)
		req.Header.Set("ConsistencyLevel", "eventual")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d", u, resp.StatusCode)
		}
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatal(err)
		}
	}
}
