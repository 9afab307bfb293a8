package databricks

import (
	"encoding/json"
	"fmt"
	"net/url"
	"testing"
)

// 100k jobs, built on demand, page through jobs/list with every id once and
// has_more false at the end; jobs/get and the name filter find one without
// a table.
func TestManyJobsPaging(t *testing.T) {
	const n = 100_000
	ws := newWorkspaceWith(t, n, 0)
	at := spToken(t, ws)
	seen := make([]bool, n+1)
	pages := 0
	path := "/api/2.2/jobs/list?limit=100"
	for {
		var page struct {
			Jobs []struct {
				JobID int `json:"job_id"`
			} `json:"jobs"`
			HasMore *bool  `json:"has_more"`
			Next    string `json:"next_page_token"`
		}
		r := ws.api(t, path, at)
		if r.status != 200 || json.Unmarshal([]byte(r.body), &page) != nil || page.HasMore == nil {
			t.Fatalf("page %d: %d %.300s", pages, r.status, r.body)
		}
		pages++
		for _, j := range page.Jobs {
			k := j.JobID - 1000
			if k < 1 || k > n || seen[k] {
				t.Fatalf("page %d: job_id %d (seen before: %v)", pages, j.JobID, k >= 1 && k <= n && seen[k])
			}
			seen[k] = true
		}
		if *page.HasMore != (page.Next != "") {
			t.Fatalf("page %d: has_more %v with next_page_token %q", pages, *page.HasMore, page.Next)
		}
		if !*page.HasMore {
			break
		}
		path = "/api/2.2/jobs/list?limit=100&page_token=" + url.QueryEscape(page.Next)
	}
	for k := 1; k <= n; k++ {
		if !seen[k] {
			t.Fatalf("job %d never listed", 1000+k)
		}
	}
	if pages != n/100 {
		t.Fatalf("%d pages", pages)
	}
	for _, k := range []int{1, 4242, n} {
		id := fmt.Sprint(1000 + k)
		m := ws.api(t, "/api/2.1/jobs/get?job_id="+id, at).json(t)
		name := fmt.Sprintf("job-%04d", k)
		if fmt.Sprint(m["job_id"]) != id || m["settings"].(map[string]any)["name"] != name {
			t.Fatalf("jobs/get %s: %v", id, m)
		}
		var byName struct {
			Jobs []struct {
				JobID json.Number `json:"job_id"`
			}
		}
		_ = json.Unmarshal([]byte(ws.api(t, "/api/2.1/jobs/list?name="+url.QueryEscape("JOB-"+name[4:]), at).body), &byName)
		if len(byName.Jobs) != 1 || byName.Jobs[0].JobID.String() != id {
			t.Fatalf("name filter %s: %+v", name, byName.Jobs)
		}
	}
	// The offset form reaches the oldest job.
	var last struct {
		Jobs []struct {
			JobID int `json:"job_id"`
		}
		HasMore bool `json:"has_more"`
	}
	_ = json.Unmarshal([]byte(ws.api(t, fmt.Sprintf("/api/2.1/jobs/list?offset=%d&limit=5", n-2), at).body), &last)
	if len(last.Jobs) != 2 || last.Jobs[1].JobID != 1001 || last.HasMore {
		t.Fatalf("offset page: %+v", last)
	}
	for _, q := range []string{"job_id=1000", fmt.Sprintf("job_id=%d", 1001+n), "job_id=x", ""} {
		r := ws.api(t, "/api/2.1/jobs/get?"+q, at)
		if r.status != 400 || r.json(t)["error_code"] != "INVALID_PARAMETER_VALUE" {
			t.Fatalf("jobs/get?%s: %d %s", q, r.status, r.body)
		}
	}
	var none struct{ Jobs []any }
	if r := ws.api(t, "/api/2.1/jobs/list?name=job-00000001", at); json.Unmarshal([]byte(r.body), &none) != nil || len(none.Jobs) != 0 {
		t.Fatalf("a non-canonical name matched: %s", r.body)
	}
}

// Clusters are paged by page_size and found by id at any index.
func TestManyClusters(t *testing.T) {
	const n = 1234
	ws := newWorkspaceWith(t, 0, n)
	at := spToken(t, ws)
	seen := map[string]bool{}
	for path := "/api/2.1/clusters/list?page_size=100"; ; {
		var page struct {
			Clusters []map[string]any `json:"clusters"`
			Next     string           `json:"next_page_token"`
		}
		r := ws.api(t, path, at)
		if r.status != 200 || json.Unmarshal([]byte(r.body), &page) != nil {
			t.Fatalf("%d %.300s", r.status, r.body)
		}
		for _, c := range page.Clusters {
			id := c["cluster_id"].(string)
			if seen[id] {
				t.Fatalf("cluster %s twice", id)
			}
			seen[id] = true
		}
		if page.Next == "" {
			break
		}
		path = "/api/2.1/clusters/list?page_size=100&page_token=" + url.QueryEscape(page.Next)
	}
	var all struct{ Clusters []map[string]any }
	if err := json.Unmarshal([]byte(ws.api(t, "/api/2.0/clusters/list", at).body), &all); err != nil || len(seen) != n || len(all.Clusters) != n {
		t.Fatalf("%d paged, %d unpaged (%v)", len(seen), len(all.Clusters), err)
	}
	for _, i := range []int{0, 1, 999, n - 1} {
		id := all.Clusters[i]["cluster_id"].(string)
		if m := ws.api(t, "/api/2.1/clusters/get?cluster_id="+id, at).json(t); m["cluster_name"] != all.Clusters[i]["cluster_name"] || !seen[id] {
			t.Fatalf("clusters/get %s: %v", id, m)
		}
	}
	for _, id := range []string{clusterID(n), "0901-120001-emu1", "0901-120001-emu00001x"} {
		if r := ws.api(t, "/api/2.1/clusters/get?cluster_id="+id, at); r.status != 400 {
			t.Fatalf("clusters/get %s: %d %s", id, r.status, r.body)
		}
	}
}

// Cluster ids and job ids and names give back their index.
func TestDatabricksIndexRoundTrip(t *testing.T) {
	s := &server{cfg: Config{Clusters: 1_000_000, Jobs: 1_000_000}}
	for _, i := range []int{0, 1, 99_999, 100_000, 879_999, 880_000, 999_999} {
		if j, ok := s.clusterIndex(clusterID(i)); !ok || j != i {
			t.Fatalf("cluster %d: %q → %d %v", i, clusterID(i), j, ok)
		}
		id := s.job(i)["job_id"].(int64)
		if j, ok := s.jobIndex(id); !ok || j != i {
			t.Fatalf("job at %d: id %d → %d %v", i, id, j, ok)
		}
		name := s.job(i)["settings"].(map[string]any)["name"].(string)
		if j, ok := s.jobIndexByName(name); !ok || j != i {
			t.Fatalf("job at %d: name %q → %d %v", i, name, j, ok)
		}
	}
	if _, ok := s.clusterIndex(clusterID(1_000_000)); ok {
		t.Fatal("a cluster past the count was found")
	}
}
