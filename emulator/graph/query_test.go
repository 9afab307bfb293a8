package graph

import (
	"encoding/json"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
)

func TestPagingCollectsEveryGroupOnce(t *testing.T) {
	const n = 2500
	srv := newTestServer(t, n)
	tok := appToken(t, "Group.Read.All")
	seen := map[string]int{}
	pages := 0
	next := "/v1.0/groups?$top=999&$select=id,displayName"
	for next != "" {
		r := get(t, srv, next, tok, nil)
		if r.status != 200 {
			t.Fatalf("page %d: %d %s", pages, r.status, r.body)
		}
		var page struct {
			Value []map[string]any `json:"value"`
			Next  string           `json:"@odata.nextLink"`
		}
		if err := json.Unmarshal(r.body, &page); err != nil {
			t.Fatal(err)
		}
		for _, g := range page.Value {
			seen[g["id"].(string)]++
			if len(g) != 2 {
				t.Fatalf("$select not kept across pages: %v", g)
			}
		}
		pages++
		next = page.Next
		if next != "" {
			u, err := url.Parse(next)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(next, srv.URL+"/v1.0/groups?") || u.Query().Get("$skiptoken") == "" || u.Query().Get("$top") != "999" {
				t.Fatalf("nextLink %q is not an absolute link on %s with $skiptoken and the original $top", next, srv.URL)
			}
		}
	}
	if pages != 3 {
		t.Fatalf("%d pages, want 3", pages)
	}
	if len(seen) != n {
		t.Fatalf("saw %d distinct groups, want %d", len(seen), n)
	}
	for _, g := range testGroups(n) {
		if seen[g.ID] != 1 {
			t.Fatalf("group %s seen %d times", g.ID, seen[g.ID])
		}
	}
}

func TestDefaultPageSizeAndTopLimits(t *testing.T) {
	srv := newTestServer(t, 250)
	tok := appToken(t, "Group.Read.All")
	r := get(t, srv, "/v1.0/groups", tok, nil)
	m := r.json(t)
	if got := len(m["value"].([]any)); got != 100 {
		t.Fatalf("default page has %d items, want 100", got)
	}
	if m["@odata.context"] != srv.URL+"/v1.0/$metadata#groups" {
		t.Fatalf("@odata.context %v", m["@odata.context"])
	}
	for _, top := range []string{"0", "1000", "x"} {
		r := get(t, srv, "/v1.0/groups?$top="+top, tok, nil)
		code, msg := graphError(t, r)
		want := "Invalid page size specified: '" + top + "'. Must be between 1 and 999 inclusive."
		if r.status != 400 || code != "Request_BadRequest" || msg != want {
			t.Fatalf("$top=%s: %d %s %q", top, r.status, code, msg)
		}
	}
	r = get(t, srv, "/v1.0/groups?$skiptoken=garbage", tok, nil)
	if code, _ := graphError(t, r); r.status != 400 || code != "Directory_ExpiredPageToken" {
		t.Fatalf("bad skiptoken: %d %s", r.status, r.body)
	}
}

func TestSelect(t *testing.T) {
	srv := newTestServer(t, 5)
	tok := appToken(t, "Group.Read.All", "User.Read.All")
	r := get(t, srv, "/v1.0/groups?$select=displayName,id", tok, nil)
	m := r.json(t)
	if m["@odata.context"] != srv.URL+"/v1.0/$metadata#groups(displayName,id)" {
		t.Fatalf("context %v", m["@odata.context"])
	}
	for _, v := range m["value"].([]any) {
		keys := []string{}
		for k := range v.(map[string]any) {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if strings.Join(keys, ",") != "displayName,id" {
			t.Fatalf("keys %v", keys)
		}
	}
	r = get(t, srv, "/v1.0/users/bob@contoso.onmicrosoft.com?$select=displayName", tok, nil)
	if m := r.json(t); r.status != 200 || m["displayName"] != "Bob Jones" || m["id"] != nil {
		t.Fatalf("user by UPN with $select: %d %s", r.status, r.body)
	}
	r = get(t, srv, "/v1.0/groups?$select=nope", tok, nil)
	if code, msg := graphError(t, r); r.status != 400 || code != "BadRequest" || msg != "Parsing OData Select and Expand failed: Could not find a property named 'nope' on type 'microsoft.graph.group'." {
		t.Fatalf("unknown $select: %d %s %s", r.status, code, msg)
	}
}

func TestFilter(t *testing.T) {
	const n = 300
	srv := newTestServer(t, n)
	tok := appToken(t, "Group.Read.All")
	eventual := map[string]string{"ConsistencyLevel": "eventual"}
	ids := func(r result) []string {
		t.Helper()
		if r.status != 200 {
			t.Fatalf("%d %s", r.status, r.body)
		}
		var out []string
		for _, v := range r.json(t)["value"].([]any) {
			out = append(out, v.(map[string]any)["id"].(string))
		}
		return out
	}
	want := func(pred func(Group) bool) []string {
		var out []string
		for _, g := range testGroups(n) {
			if pred(g) {
				out = append(out, g.ID)
			}
		}
		return out
	}
	check := func(q string, headers map[string]string, pred func(Group) bool) {
		t.Helper()
		got := ids(get(t, srv, "/v1.0/groups?$top=999&$filter="+url.QueryEscape(q), tok, headers))
		if w := want(pred); strings.Join(got, ",") != strings.Join(w, ",") {
			t.Fatalf("%s: got %d ids, want %d", q, len(got), len(w))
		}
	}
	check("displayName eq 'group 00042'", nil, func(g Group) bool { return g.DisplayName == "Group 00042" })
	check("startswith(displayName,'Group 001')", nil, func(g Group) bool { return strings.HasPrefix(g.DisplayName, "Group 001") })
	check("securityEnabled eq false and startswith(mailNickname,'group000')", nil, func(g Group) bool {
		return !g.SecurityEnabled && strings.HasPrefix(g.MailNickname, "group000")
	})
	check("mailNickname eq 'it''s'", nil, func(Group) bool { return false })

	// ne needs the advanced-query header and $count=true.
	r := get(t, srv, "/v1.0/groups?$filter="+url.QueryEscape("displayName ne 'Group 00001'"), tok, nil)
	if code, msg := graphError(t, r); r.status != 400 || code != "Request_UnsupportedQuery" ||
		msg != "Operator 'ne' is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information" {
		t.Fatalf("ne without eventual: %d %s", r.status, r.body)
	}
	r = get(t, srv, "/v1.0/groups?$filter="+url.QueryEscape("endswith(displayName,'1')"), tok, nil)
	if _, msg := graphError(t, r); r.status != 400 || !strings.HasPrefix(msg, "Operator 'endsWith' is not supported because the required parameters might be missing.") {
		t.Fatalf("endsWith without eventual: %d %s", r.status, r.body)
	}
	r = get(t, srv, "/v1.0/groups?$count=true&$top=999&$filter="+url.QueryEscape("displayName ne 'Group 00001'"), tok, eventual)
	if m := r.json(t); r.status != 200 || m["@odata.count"] != float64(n-1) {
		t.Fatalf("ne with eventual: %d count=%v", r.status, m["@odata.count"])
	}
	for _, bad := range []string{"displayName eq", "displayName gt 'a'", "foo eq 'a'", "startswith(displayName,'a'"} {
		r := get(t, srv, "/v1.0/groups?$filter="+url.QueryEscape(bad), tok, nil)
		if r.status != 400 {
			t.Fatalf("%q: %d %s", bad, r.status, r.body)
		}
	}
}

func TestCountNeedsConsistencyLevel(t *testing.T) {
	srv := newTestServer(t, 150)
	tok := appToken(t, "Group.Read.All")
	eventual := map[string]string{"ConsistencyLevel": "eventual"}

	r := get(t, srv, "/v1.0/groups/$count", tok, nil)
	code, msg := graphError(t, r)
	if r.status != 400 || code != "Request_BadRequest" || msg != "$count is not currently supported." {
		t.Fatalf("$count without header: %d %s %q", r.status, code, msg)
	}
	r = get(t, srv, "/v1.0/groups/$count", tok, eventual)
	if r.status != 200 || string(r.body) != "150" || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
		t.Fatalf("$count with header: %d %q", r.status, r.body)
	}
	r = get(t, srv, "/v1.0/groups/$count?$filter="+url.QueryEscape("startswith(displayName,'Group 0000')"), tok, eventual)
	if string(r.body) != "10" {
		t.Fatalf("filtered $count: %q", r.body)
	}
	// $count=true without the header silently omits @odata.count.
	if m := get(t, srv, "/v1.0/groups?$count=true", tok, nil).json(t); m["@odata.count"] != nil {
		t.Fatalf("@odata.count without header: %v", m["@odata.count"])
	}
	m := get(t, srv, "/v1.0/groups?$count=true", tok, eventual).json(t)
	if m["@odata.count"] != float64(150) {
		t.Fatalf("@odata.count %v", m["@odata.count"])
	}
	// Only on the first page.
	next := m["@odata.nextLink"].(string)
	if m2 := get(t, srv, next, tok, eventual).json(t); m2["@odata.count"] != nil {
		t.Fatalf("@odata.count on page 2")
	}
}

func TestEntitiesAndUnknownPaths(t *testing.T) {
	srv := newTestServer(t, 3)
	tok := appToken(t, "Group.Read.All", "User.Read.All")
	g := testGroups(3)[1]
	r := get(t, srv, "/v1.0/groups/"+g.ID, tok, nil)
	if m := r.json(t); r.status != 200 || m["displayName"] != g.DisplayName || m["@odata.context"] != srv.URL+"/v1.0/$metadata#groups/$entity" {
		t.Fatalf("group: %d %s", r.status, r.body)
	}
	r = get(t, srv, "/v1.0/groups/00000000-0000-0000-0000-00000000dead", tok, nil)
	if code, _ := graphError(t, r); r.status != 404 || code != "Request_ResourceNotFound" {
		t.Fatalf("missing group: %d %s", r.status, r.body)
	}
	r = get(t, srv, "/v1.0/widgets", tok, nil)
	if code, msg := graphError(t, r); r.status != 400 || code != "BadRequest" || msg != "Resource not found for the segment 'widgets'." {
		t.Fatalf("unknown segment: %d %s %s", r.status, code, msg)
	}
	r = do(t, srv, "PUT", "/v1.0/groups/"+g.ID, tok, nil, nil)
	if r.status != 405 {
		t.Fatalf("PUT: %d", r.status)
	}
}

// $orderby: displayName (and userPrincipalName for users) asc or desc, the
// order kept across pages; other properties, several properties and
// $filter without the advanced-query parameters are refused as Graph does.
func TestOrderBy(t *testing.T) {
	const n = 300
	srv := newTestServer(t, n)
	tok := appToken(t, "Group.Read.All")
	names := func(path string, headers map[string]string) []string {
		t.Helper()
		var out []string
		for path != "" {
			r := get(t, srv, path, tok, headers)
			if r.status != 200 {
				t.Fatalf("%s: %d %s", path, r.status, r.body)
			}
			m := r.json(t)
			for _, v := range m["value"].([]any) {
				out = append(out, v.(map[string]any)["displayName"].(string))
			}
			next, _ := m["@odata.nextLink"].(string)
			path = strings.TrimPrefix(next, "https://graph.microsoft.com")
		}
		return out
	}
	var want []string
	for _, g := range testGroups(n) {
		want = append(want, g.DisplayName)
	}
	byName := func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }
	slices.SortStableFunc(want, byName)
	if got := names("/v1.0/groups?$top=7&$orderby=displayName", nil); !slices.Equal(got, want) {
		t.Fatalf("asc over pages: %d names, first %v", len(got), got[:min(3, len(got))])
	}
	slices.Reverse(want)
	if got := names("/v1.0/groups?$top=999&$orderby=displayName%20desc", nil); !slices.Equal(got, want) {
		t.Fatalf("desc: first %v, want %v", got[:3], want[:3])
	}
	// With $filter: only as an advanced query.
	eventual := map[string]string{"ConsistencyLevel": "eventual"}
	f := "&$filter=" + url.QueryEscape("startswith(displayName,'Group 00')")
	got := names("/v1.0/groups?$count=true&$orderby=displayName%20desc"+f, eventual)
	if len(got) == 0 || !slices.IsSortedFunc(got, func(a, b string) int { return byName(b, a) }) {
		t.Fatalf("filtered desc: %v", got)
	}
	for _, c := range []struct{ query, code, msg string }{
		{"$orderby=displayName" + f, "Request_UnsupportedQuery", "Sorting not supported for current query."},
		{"$orderby=createdDateTime", "Request_UnsupportedQuery", "Unsupported sort property 'createdDateTime' for 'Group'."},
		{"$orderby=nothing", "BadRequest", "Could not find a property named 'nothing' on type 'microsoft.graph.group'."},
		{"$orderby=displayName,mailNickname", "Request_UnsupportedQuery", "Sorting by more than one property is not supported."},
	} {
		r := get(t, srv, "/v1.0/groups?"+c.query, tok, nil)
		if code, msg := graphError(t, r); r.status != 400 || code != c.code || msg != c.msg {
			t.Errorf("%s: %d %s %q", c.query, r.status, code, msg)
		}
	}
}
