package databricks

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func spToken(t *testing.T, ws *workspace) string {
	r := ws.postForm(t, "/oidc/v1/token", url.Values{"grant_type": {"client_credentials"}, "scope": {"all-apis"}}, spAppID, spSecret)
	return r.json(t)["access_token"].(string)
}

func TestJobsPaging(t *testing.T) {
	const n = 45
	ws := newWorkspace(t, n)
	at := spToken(t, ws)
	seen := map[float64]int{}
	sizes := []int{}
	path := "/api/2.1/jobs/list"
	for {
		var page struct {
			Jobs    []map[string]any `json:"jobs"`
			HasMore *bool            `json:"has_more"`
			Next    string           `json:"next_page_token"`
		}
		r := ws.api(t, path, at)
		if r.status != 200 {
			t.Fatalf("%d %s", r.status, r.body)
		}
		if err := json.Unmarshal([]byte(r.body), &page); err != nil || page.HasMore == nil {
			t.Fatalf("page: %v %s", err, r.body)
		}
		for _, j := range page.Jobs {
			seen[j["job_id"].(float64)]++
		}
		sizes = append(sizes, len(page.Jobs))
		if *page.HasMore != (page.Next != "") {
			t.Fatalf("has_more %v with next_page_token %q", *page.HasMore, page.Next)
		}
		if page.Next == "" {
			break
		}
		path = "/api/2.1/jobs/list?page_token=" + url.QueryEscape(page.Next)
	}
	if len(seen) != n || len(sizes) != 3 || sizes[0] != 20 || sizes[2] != 5 {
		t.Fatalf("%d jobs in pages %v", len(seen), sizes)
	}
	for id, c := range seen {
		if c != 1 {
			t.Fatalf("job %v seen %d times", id, c)
		}
	}
	var page struct{ Jobs []any }
	_ = json.Unmarshal([]byte(ws.api(t, "/api/2.1/jobs/list?limit=100", at).body), &page)
	if len(page.Jobs) != n {
		t.Fatalf("limit=100 gave %d", len(page.Jobs))
	}
	for _, q := range []string{"limit=101", "page_token=zzz"} {
		r := ws.api(t, "/api/2.1/jobs/list?"+q, at)
		if r.status != 400 || r.json(t)["error_code"] != "INVALID_PARAMETER_VALUE" {
			t.Fatalf("%s: %d %s", q, r.status, r.body)
		}
	}
}

func TestClusters(t *testing.T) {
	ws := newWorkspace(t, 5)
	at := spToken(t, ws)
	var list struct{ Clusters []map[string]any }
	if err := json.Unmarshal([]byte(ws.api(t, "/api/2.0/clusters/list", at).body), &list); err != nil || len(list.Clusters) != 4 {
		t.Fatalf("clusters: %v %d", err, len(list.Clusters))
	}
	id := list.Clusters[1]["cluster_id"].(string)
	if m := ws.api(t, "/api/2.0/clusters/get?cluster_id="+id, at).json(t); m["cluster_id"] != id || m["cluster_name"] != list.Clusters[1]["cluster_name"] {
		t.Fatalf("get: %v", m)
	}
	r := ws.api(t, "/api/2.0/clusters/get?cluster_id=0000-000000-nope", at)
	if r.status != 400 || r.json(t)["error_code"] != "INVALID_PARAMETER_VALUE" {
		t.Fatalf("missing cluster: %d %s", r.status, r.body)
	}
	r = ws.api(t, "/api/2.0/widgets/list", at)
	if m := r.json(t); r.status != 404 || m["error_code"] != "ENDPOINT_NOT_FOUND" || m["message"] != "No API found for 'GET /widgets/list'" {
		t.Fatalf("unknown API: %d %s", r.status, r.body)
	}
}

func TestDiscovery(t *testing.T) {
	ws := newWorkspace(t, 0)
	for _, p := range []string{"/oidc/.well-known/oauth-authorization-server", "/oidc/.well-known/openid-configuration"} {
		m := ws.api(t, p, "").json(t)
		if m["authorization_endpoint"] != ws.URL+"/oidc/v1/authorize" || m["token_endpoint"] != ws.URL+"/oidc/v1/token" || m["issuer"] != ws.URL+"/oidc" {
			t.Fatalf("%s: %v", p, m)
		}
	}
	m := ws.api(t, "/.well-known/databricks-config", "").json(t)
	if m["oidc_endpoint"] != ws.URL+"/oidc" || m["workspace_id"] != "1234567890123456" || m["host_type"] != "workspace" {
		t.Fatalf("host metadata: %v", m)
	}
	keys := ws.api(t, "/oidc/jwks.json", "").json(t)["keys"].([]any)
	if len(keys) != 1 || keys[0].(map[string]any)["kty"] != "RSA" {
		t.Fatalf("jwks: %v", keys)
	}
}

// Jobs 2.0, one-time runs, SCIM lists and SCIM's error, and the gateway's
// "Bad Target" for an API version that does not exist.
func TestMoreEndpoints(t *testing.T) {
	ws := newWorkspace(t, 5)
	at := spToken(t, ws)
	post := func(path, body string) reply {
		req, _ := http.NewRequest(http.MethodPost, ws.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+at)
		return send(t, ws.Client(), req)
	}
	if r := ws.api(t, "/api/2.0/jobs/list?limit=2", at); r.status != 200 || len(r.json(t)["jobs"].([]any)) != 2 {
		t.Fatalf("jobs 2.0: %d %s", r.status, r.body)
	}
	r := ws.api(t, "/api/2.2/sql/endpoints", at)
	if m := r.json(t); r.status != 404 || m["error"] != "Bad Target: /api/2.2/sql/endpoints" || m["error_code"] != nil {
		t.Fatalf("bad target: %d %s", r.status, r.body)
	}
	r = post("/api/2.1/jobs/runs/submit", `{"run_name":"once","tasks":[{"task_key":"t"}]}`)
	id, _ := r.json(t)["run_id"].(float64)
	if r.status != 200 || id < 1 {
		t.Fatalf("submit: %d %s", r.status, r.body)
	}
	if r := ws.api(t, fmt.Sprintf("/api/2.1/jobs/runs/get?run_id=%d", int(id)), at); r.status != 200 || r.json(t)["run_name"] != "once" {
		t.Fatalf("runs/get: %d %s", r.status, r.body)
	}
	for _, p := range []string{"/api/2.0/preview/scim/v2/Users", "/api/2.0/preview/scim/v2/Groups"} {
		r := ws.api(t, p, at)
		if m := r.json(t); r.status != 200 || len(m["Resources"].([]any)) == 0 || m["schemas"].([]any)[0] != "urn:ietf:params:scim:api:messages:2.0:ListResponse" {
			t.Fatalf("%s: %d %s", p, r.status, r.body)
		}
	}
	r = post("/api/2.0/preview/scim/v2/Users", `{not json`)
	if m := r.json(t); r.status != 400 || m["scimType"] != "Invalid JSON provided in request body." || m["status"] != "400" {
		t.Fatalf("scim error: %d %s", r.status, r.body)
	}
}
