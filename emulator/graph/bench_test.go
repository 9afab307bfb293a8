package graph

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/fixture"
)

// BenchmarkGroupsPages20k pages through 20,000 groups with $top=999 on the
// handler itself (no network): one iteration is a full walk (21 pages).
func BenchmarkGroupsPages20k(b *testing.B) {
	const n = 20000
	h := New(Config{TenantID: fixture.Tenant, PublicKey: &fixture.Key().PublicKey, Users: testUsers(),
		Groups: testGroups(n), Now: func() time.Time { return fixture.Now }})
	auth := "Bearer " + appToken(b, "Group.Read.All")
	b.ReportAllocs()
	for b.Loop() {
		next, total := "https://graph.microsoft.com/v1.0/groups?$top=999", 0
		for next != "" {
			req := httptest.NewRequest(http.MethodGet, next, nil)
			req.Header.Set("Authorization", auth)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != 200 {
				b.Fatalf("%d %s", rec.Code, rec.Body)
			}
			var page struct {
				Next  string            `json:"@odata.nextLink"`
				Value []json.RawMessage `json:"value"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
				b.Fatal(err)
			}
			total += len(page.Value)
			next = page.Next
		}
		if total != n {
			b.Fatalf("walked %d groups", total)
		}
	}
}

// BenchmarkGroupsPageEncode measures producing one 999-group page only.
func BenchmarkGroupsPageEncode(b *testing.B) {
	h := New(Config{TenantID: fixture.Tenant, PublicKey: &fixture.Key().PublicKey,
		Groups: testGroups(20000), Now: func() time.Time { return fixture.Now }})
	auth := "Bearer " + appToken(b, "Group.Read.All")
	req := httptest.NewRequest(http.MethodGet, "https://graph.microsoft.com/v1.0/groups?$top=999", nil)
	req.Header.Set("Authorization", auth)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
		b.SetBytes(int64(rec.Body.Len()))
	}
}
