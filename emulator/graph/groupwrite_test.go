package graph

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/fixture"
)

var guidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// send is one JSON request; a nil body sends none.
func send(t *testing.T, srv *httptest.Server, method, url, token string, body any) result {
	t.Helper()
	var r *bytes.Reader
	switch b := body.(type) {
	case nil:
		return do(t, srv, method, url, token, nil, nil)
	case string:
		r = bytes.NewReader([]byte(b))
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	return do(t, srv, method, url, token, map[string]string{"Content-Type": "application/json"}, r)
}

// wantError checks status, error.code and error.message, and the innerError ids.
func wantError(t *testing.T, r result, status int, code, message string) {
	t.Helper()
	c, m := graphError(t, r)
	if r.status != status || c != code || m != message {
		t.Fatalf("got %d %s %q, want %d %s %q", r.status, c, m, status, code, message)
	}
	inner := r.json(t)["error"].(map[string]any)["innerError"].(map[string]any)
	if inner["request-id"] != r.header.Get("request-id") || inner["client-request-id"] == "" || inner["date"] == "" {
		t.Fatalf("innerError %v", inner)
	}
}

func memberIDs(t *testing.T, r result) []string {
	t.Helper()
	if r.status != 200 {
		t.Fatalf("members: %d %s", r.status, r.body)
	}
	var out []string
	for _, v := range r.json(t)["value"].([]any) {
		m := v.(map[string]any)
		out = append(out, fmt.Sprint(m["@odata.type"], " ", m["id"]))
	}
	return out
}

// A group's whole life, for both versions and both kinds of token: create
// (with a member bound in the body), read back, change, members added,
// refused twice, removed, and the group deleted.
func TestGroupWriteLifecycle(t *testing.T) {
	alice, bob := testUsers()[0].ID, testUsers()[1].ID
	for _, version := range []string{"v1.0", "beta"} {
		for _, kind := range []string{"delegated", "application"} {
			t.Run(version+"/"+kind, func(t *testing.T) {
				srv := newTestServer(t, 3)
				tok := appToken(t, "Group.ReadWrite.All", "GroupMember.ReadWrite.All")
				if kind == "delegated" {
					tok = userToken(t, "User.Read Group.ReadWrite.All GroupMember.ReadWrite.All")
				}
				base := "/" + version + "/groups"
				r := send(t, srv, "POST", base, tok, map[string]any{
					"displayName": "Build agents", "mailEnabled": false, "mailNickname": "build-agents",
					"securityEnabled": true, "description": "CI",
					"members@odata.bind": []string{"https://graph.microsoft.com/v1.0/directoryObjects/" + bob}})
				if r.status != http.StatusCreated {
					t.Fatalf("create: %d %s", r.status, r.body)
				}
				g := r.json(t)
				id, _ := g["id"].(string)
				if !guidPattern.MatchString(id) || g["displayName"] != "Build agents" || g["mailNickname"] != "build-agents" ||
					g["securityEnabled"] != true || g["mailEnabled"] != false || g["description"] != "CI" ||
					g["createdDateTime"] != fixture.Now.UTC().Format(time.RFC3339) ||
					g["@odata.context"] != srv.URL+"/"+version+"/$metadata#groups/$entity" {
					t.Fatalf("created: %s", r.body)
				}
				if loc := r.header.Get("Location"); loc != srv.URL+base+"/"+id {
					t.Fatalf("Location %q", loc)
				}
				r = get(t, srv, base+"/"+id, tok, nil)
				if r.status != 200 || r.json(t)["displayName"] != "Build agents" {
					t.Fatalf("read back: %d %s", r.status, r.body)
				}
				r = get(t, srv, base+"/$count", tok, map[string]string{"ConsistencyLevel": "eventual"})
				if string(r.body) != "4" {
					t.Fatalf("$count after create: %s", r.body)
				}

				r = send(t, srv, "PATCH", base+"/"+id, tok, map[string]any{"displayName": "Build agents (prod)", "description": nil})
				if r.status != http.StatusNoContent || len(r.body) != 0 {
					t.Fatalf("patch: %d %s", r.status, r.body)
				}
				r = get(t, srv, base+"/"+id, tok, nil)
				if m := r.json(t); m["displayName"] != "Build agents (prod)" || m["description"] != nil || m["mailNickname"] != "build-agents" {
					t.Fatalf("after patch: %s", r.body)
				}

				ref := base + "/" + id + "/members/$ref"
				add := map[string]string{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/" + alice}
				if r = send(t, srv, "POST", ref, tok, add); r.status != http.StatusNoContent {
					t.Fatalf("add member: %d %s", r.status, r.body)
				}
				wantError(t, send(t, srv, "POST", ref, tok, add), 400, "Request_BadRequest",
					"One or more added object references already exist for the following modified properties: 'members'.")
				got := memberIDs(t, get(t, srv, base+"/"+id+"/members", tok, nil))
				if want := []string{"#microsoft.graph.user " + bob, "#microsoft.graph.user " + alice}; fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("members %v, want %v", got, want)
				}
				if kind == "delegated" {
					r = get(t, srv, "/"+version+"/me/memberOf", tok, nil)
					if got := memberIDs(t, r); fmt.Sprint(got) != fmt.Sprint([]string{"#microsoft.graph.group " + id}) {
						t.Fatalf("memberOf %v", got)
					}
				}

				one := base + "/" + id + "/members/" + alice + "/$ref"
				if r = send(t, srv, "DELETE", one, tok, nil); r.status != http.StatusNoContent {
					t.Fatalf("remove member: %d %s", r.status, r.body)
				}
				wantError(t, send(t, srv, "DELETE", one, tok, nil), 400, "Request_BadRequest",
					"One or more removed object references do not exist for the following modified properties: 'members'.")
				if got := memberIDs(t, get(t, srv, base+"/"+id+"/members", tok, nil)); len(got) != 1 {
					t.Fatalf("members after removal %v", got)
				}

				if r = send(t, srv, "DELETE", base+"/"+id, tok, nil); r.status != http.StatusNoContent {
					t.Fatalf("delete: %d %s", r.status, r.body)
				}
				gone := "Resource '" + id + "' does not exist or one of its queried reference-property objects are not present."
				wantError(t, get(t, srv, base+"/"+id, tok, nil), 404, "Request_ResourceNotFound", gone)
				wantError(t, send(t, srv, "PATCH", base+"/"+id, tok, map[string]any{"displayName": "x"}), 404, "Request_ResourceNotFound", gone)
				wantError(t, send(t, srv, "DELETE", base+"/"+id, tok, nil), 404, "Request_ResourceNotFound", gone)
				wantError(t, send(t, srv, "POST", ref, tok, add), 404, "Request_ResourceNotFound", gone)
				if kind == "delegated" {
					if got := memberIDs(t, get(t, srv, "/"+version+"/me/memberOf", tok, nil)); len(got) != 0 {
						t.Fatalf("memberOf after delete %v", got)
					}
				}
			})
		}
	}
}

// Bodies Graph refuses, with its texts.
func TestGroupWriteRefusedBodies(t *testing.T) {
	srv := newTestServer(t, 3)
	tok := appToken(t, "Group.ReadWrite.All")
	valid := func() map[string]any {
		return map[string]any{"displayName": "d", "mailEnabled": false, "mailNickname": "n", "securityEnabled": true}
	}
	for _, name := range []string{"displayName", "mailEnabled", "mailNickname", "securityEnabled"} {
		b := valid()
		delete(b, name)
		wantError(t, send(t, srv, "POST", "/v1.0/groups", tok, b), 400, "Request_BadRequest",
			"A value is required for property '"+name+"' of resource 'Group'.")
	}
	notJSON := "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format."
	wantError(t, send(t, srv, "POST", "/v1.0/groups", tok, "displayName=x"), 400, "BadRequest", notJSON)
	wantError(t, send(t, srv, "POST", "/v1.0/groups", tok, "[1]"), 400, "BadRequest", notJSON)
	for _, nick := range []string{"has space", "a@b", strings.Repeat("n", 65), ""} {
		b := valid()
		b["mailNickname"] = nick
		wantError(t, send(t, srv, "POST", "/v1.0/groups", tok, b), 400, "Request_BadRequest",
			"Invalid value specified for property 'mailNickname' of resource 'Group'.")
	}
	b := valid()
	b["securityEnabled"] = "yes"
	wantError(t, send(t, srv, "POST", "/v1.0/groups", tok, b), 400, "BadRequest",
		"Cannot convert the literal 'yes' to the expected type 'Edm.Boolean'.")
	b = valid()
	b["members@odata.bind"] = []string{"https://graph.microsoft.com/v1.0/directoryObjects/00000000-0000-0000-0000-00000000dead"}
	wantError(t, send(t, srv, "POST", "/v1.0/groups", tok, b), 404, "Request_ResourceNotFound",
		"Resource '00000000-0000-0000-0000-00000000dead' does not exist or one of its queried reference-property objects are not present.")
	b["members@odata.bind"] = []string{testUsers()[0].ID}
	wantError(t, send(t, srv, "POST", "/v1.0/groups", tok, b), 400, "BadRequest", "Invalid URL format specified in payload.")
	existing := testGroups(3)[0].ID
	wantError(t, send(t, srv, "PATCH", "/v1.0/groups/"+existing, tok, map[string]any{"description": ""}), 400, "Request_BadRequest",
		"Invalid value specified for property 'description' of resource 'Group'.")
	// None of the refusals created a group.
	if r := get(t, srv, "/v1.0/groups/$count", tok, map[string]string{"ConsistencyLevel": "eventual"}); string(r.body) != "3" {
		t.Fatalf("$count %s", r.body)
	}
	// Adding an object that does not exist is 404 (group-post-members).
	tokM := appToken(t, "GroupMember.ReadWrite.All")
	dead := "00000000-0000-0000-0000-00000000beef"
	wantError(t, send(t, srv, "POST", "/v1.0/groups/"+existing+"/members/$ref", tokM,
		map[string]string{"@odata.id": testUsers()[0].ID}), 400, "BadRequest", "Invalid URL format specified in payload.")
	wantError(t, send(t, srv, "POST", "/v1.0/groups/"+existing+"/members/$ref", tokM,
		map[string]string{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/" + dead}), 404, "Request_ResourceNotFound",
		"Resource '"+dead+"' does not exist or one of its queried reference-property objects are not present.")
}

// Writes are decided from Microsoft's permissions data like reads: a token
// that may only read groups is refused each write, and each write
// permission opens only its own calls.
func TestGroupWritePermissions(t *testing.T) {
	srv := newTestServer(t, 3)
	g := testGroups(3)[0].ID
	bob := testUsers()[1].ID
	create := map[string]any{"displayName": "d", "mailEnabled": false, "mailNickname": "n", "securityEnabled": true}
	add := map[string]string{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/" + bob}
	calls := []struct {
		method, path string
		body         any
	}{
		{"POST", "/v1.0/groups", create},
		{"PATCH", "/v1.0/groups/" + g, map[string]any{"displayName": "x"}},
		{"POST", "/v1.0/groups/" + g + "/members/$ref", add},
		{"DELETE", "/v1.0/groups/" + g + "/members/" + bob + "/$ref", nil},
		{"DELETE", "/v1.0/groups/" + g, nil},
	}
	for _, tok := range []string{appToken(t, "Group.Read.All"), userToken(t, "User.Read Group.Read.All")} {
		for _, c := range calls {
			wantError(t, send(t, srv, c.method, c.path, tok, c.body), 403, "Authorization_RequestDenied",
				"Insufficient privileges to complete the operation.")
		}
	}
	// Group.Create (application) creates and does nothing else.
	tok := appToken(t, "Group.Create")
	if r := send(t, srv, "POST", "/v1.0/groups", tok, create); r.status != http.StatusCreated {
		t.Fatalf("Group.Create: %d %s", r.status, r.body)
	}
	for _, c := range calls[1:] {
		if r := send(t, srv, c.method, c.path, tok, c.body); r.status != 403 {
			t.Fatalf("Group.Create %s %s: %d", c.method, c.path, r.status)
		}
	}
	// GroupMember.ReadWrite.All manages members, not groups.
	tok = appToken(t, "GroupMember.ReadWrite.All")
	for i, c := range calls {
		want := 403
		if i == 2 || i == 3 {
			want = 204
		}
		if r := send(t, srv, c.method, c.path, tok, c.body); r.status != want {
			t.Fatalf("GroupMember.ReadWrite.All %s %s: %d %s, want %d", c.method, c.path, r.status, r.body, want)
		}
	}
	// Directory.ReadWrite.All grants all but deleting a group, for which
	// Microsoft's permissions data names only Group.ReadWrite.All.
	tok = userToken(t, "Directory.ReadWrite.All")
	for i, c := range calls {
		r := send(t, srv, c.method, c.path, tok, c.body)
		if last := i == len(calls)-1; (last && r.status != 403) || (!last && r.status >= 300) {
			t.Fatalf("Directory.ReadWrite.All %s %s: %d %s", c.method, c.path, r.status, r.body)
		}
	}
}

// In $batch each write is an item like any other, and a gzip body is read
// as for any request.
func TestGroupWriteInBatchAndGzip(t *testing.T) {
	srv := newTestServer(t, 3)
	tok := appToken(t, "Group.ReadWrite.All")
	g := testGroups(3)[1].ID
	alice := testUsers()[0].ID
	body := `{"requests":[
		{"id":"1","method":"POST","url":"/groups","headers":{"Content-Type":"application/json"},
		 "body":{"displayName":"Batched","mailEnabled":false,"mailNickname":"batched","securityEnabled":true}},
		{"id":"2","method":"POST","url":"/groups/` + g + `/members/$ref","headers":{"Content-Type":"application/json"},
		 "body":{"@odata.id":"https://graph.microsoft.com/v1.0/directoryObjects/` + alice + `"}},
		{"id":"3","method":"GET","url":"/groups/` + g + `/members","dependsOn":["2"]}]}`
	r := send(t, srv, "POST", "/v1.0/$batch", tok, body)
	var out batchOut
	if err := json.Unmarshal(r.body, &out); err != nil || r.status != 200 {
		t.Fatalf("batch: %d %s", r.status, r.body)
	}
	got := map[string]int{}
	for _, x := range out.Responses {
		got[x.ID] = x.Status
		if x.ID == "3" && !strings.Contains(string(x.Body), alice) {
			t.Fatalf("members in batch: %s", x.Body)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(map[string]int{"1": 201, "2": 204, "3": 200}) {
		t.Fatalf("statuses %v", got)
	}

	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	_, _ = zw.Write([]byte(`{"displayName":"Zipped","mailEnabled":false,"mailNickname":"zipped","securityEnabled":true}`))
	_ = zw.Close()
	r = do(t, srv, "POST", "/beta/groups", tok, map[string]string{"Content-Type": "application/json", "Content-Encoding": "gzip"}, &zipped)
	if r.status != http.StatusCreated || r.json(t)["displayName"] != "Zipped" {
		t.Fatalf("gzip create: %d %s", r.status, r.body)
	}
	if r := get(t, srv, "/v1.0/groups/$count", tok, map[string]string{"ConsistencyLevel": "eventual"}); string(r.body) != "5" {
		t.Fatalf("$count %s", r.body)
	}
}

// Writes beside paging reads: the race detector checks the sharing, and
// every page read while groups come and go is a whole JSON page.
func TestGroupWritesWhileReading(t *testing.T) {
	srv := newTestServer(t, 200)
	tok := appToken(t, "Group.ReadWrite.All")
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				r := send(t, srv, "POST", "/v1.0/groups", tok, map[string]any{"displayName": fmt.Sprintf("w%d-%d", w, i),
					"mailEnabled": false, "mailNickname": fmt.Sprintf("w%d-%d", w, i), "securityEnabled": true})
				if r.status != http.StatusCreated {
					t.Errorf("create: %d", r.status)
					return
				}
				id := r.json(t)["id"].(string)
				if i%2 == 0 {
					if r := send(t, srv, "DELETE", "/v1.0/groups/"+id, tok, nil); r.status != http.StatusNoContent {
						t.Errorf("delete: %d", r.status)
					}
				}
			}
		}()
	}
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			url := "/v1.0/groups?$top=50&$orderby=displayName"
			for url != "" {
				m := get(t, srv, url, tok, map[string]string{"ConsistencyLevel": "eventual"}).json(t)
				if _, ok := m["value"].([]any); !ok {
					t.Errorf("page %v", m)
					return
				}
				url, _ = m["@odata.nextLink"].(string)
			}
		}()
	}
	wg.Wait()
	if r := get(t, srv, "/v1.0/groups/$count", tok, map[string]string{"ConsistencyLevel": "eventual"}); string(r.body) != "210" {
		t.Fatalf("$count %s", r.body)
	}
}

// Groups built from their index (a large seeded tenant) are written like
// listed ones: a change is read back, a deleted one is gone from its id,
// from $count and from every page, and the groups after it keep their ids.
func TestGeneratedGroupWrites(t *testing.T) {
	const n = 1000
	id := func(i int) string { return fmt.Sprintf("%08x-1111-4000-8000-%012x", i, i) }
	srv := httptest.NewTLSServer(New(Config{
		TenantID: fixture.Tenant, PublicKey: &fixture.Key().PublicKey, Users: testUsers(), Groups: testGroups(2),
		Now:        func() time.Time { return fixture.Now },
		GroupCount: n,
		GroupAt: func(i int) Group {
			return Group{ID: id(i), DisplayName: fmt.Sprintf("Seeded %04d", i), MailNickname: fmt.Sprintf("seeded%04d", i), SecurityEnabled: true}
		},
		GroupIndex: func(key string) (int, bool) {
			var i int
			if _, err := fmt.Sscanf(key, "%08x-1111-", &i); err != nil || id(i) != strings.ToLower(key) {
				return 0, false
			}
			return i, true
		},
	}))
	t.Cleanup(srv.Close)
	tok := userToken(t, "Group.ReadWrite.All GroupMember.ReadWrite.All User.Read")
	eventual := map[string]string{"ConsistencyLevel": "eventual"}

	if r := send(t, srv, "PATCH", "/v1.0/groups/"+id(500), tok, map[string]any{"displayName": "Renamed"}); r.status != 204 {
		t.Fatalf("patch: %d %s", r.status, r.body)
	}
	for _, i := range []int{10, 0, 999} {
		if r := send(t, srv, "DELETE", "/v1.0/groups/"+id(i), tok, nil); r.status != 204 {
			t.Fatalf("delete %d: %d %s", i, r.status, r.body)
		}
	}
	if r := get(t, srv, "/v1.0/groups/"+id(500), tok, nil); r.json(t)["displayName"] != "Renamed" {
		t.Fatalf("patched: %s", r.body)
	}
	if r := get(t, srv, "/v1.0/groups/"+id(11), tok, nil); r.json(t)["displayName"] != "Seeded 0011" {
		t.Fatalf("after the deleted one: %s", r.body)
	}
	wantError(t, get(t, srv, "/v1.0/groups/"+id(10), tok, nil), 404, "Request_ResourceNotFound",
		"Resource '"+id(10)+"' does not exist or one of its queried reference-property objects are not present.")
	if r := get(t, srv, "/v1.0/groups/$count", tok, eventual); string(r.body) != fmt.Sprint(2+n-3) {
		t.Fatalf("$count %s", r.body)
	}
	add := map[string]string{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/" + testUsers()[0].ID}
	if r := send(t, srv, "POST", "/v1.0/groups/"+id(500)+"/members/$ref", tok, add); r.status != 204 {
		t.Fatalf("add member: %d %s", r.status, r.body)
	}
	if got := memberIDs(t, get(t, srv, "/v1.0/me/memberOf", tok, nil)); fmt.Sprint(got) != "[#microsoft.graph.group "+id(500)+"]" {
		t.Fatalf("memberOf %v", got)
	}
	// Every page, in the default order and sorted, holds each remaining group once.
	for _, query := range []string{"$top=300", "$top=300&$orderby=displayName%20desc"} {
		seen := map[string]string{}
		for url := "/v1.0/groups?" + query; url != ""; {
			m := get(t, srv, url, tok, eventual).json(t)
			for _, v := range m["value"].([]any) {
				g := v.(map[string]any)
				if _, dup := seen[g["id"].(string)]; dup {
					t.Fatalf("%s: %s twice", query, g["id"])
				}
				seen[g["id"].(string)] = g["displayName"].(string)
			}
			url, _ = m["@odata.nextLink"].(string)
		}
		_, gone := seen[id(10)]
		if len(seen) != 2+n-3 || gone || seen[id(500)] != "Renamed" || seen[id(998)] != "Seeded 0998" {
			t.Fatalf("%s: %d groups, %s gone: %v, 500: %q", query, len(seen), id(10), !gone, seen[id(500)])
		}
	}
}

// PATCH with members@odata.bind adds several members at once (Learn's
// group-post-members), refused whole when one is already a member; and
// /users/{id}/memberOf lists a user's groups as /me/memberOf does.
func TestGroupPatchBindsMembers(t *testing.T) {
	srv := newTestServer(t, 3)
	tok := appToken(t, "Group.ReadWrite.All", "Directory.Read.All")
	alice, bob := testUsers()[0].ID, testUsers()[1].ID
	g, other := testGroups(3)[2].ID, testGroups(3)[0].ID
	bind := func(ids ...string) map[string]any {
		var urls []string
		for _, id := range ids {
			urls = append(urls, "https://graph.microsoft.com/v1.0/directoryObjects/"+id)
		}
		return map[string]any{"members@odata.bind": urls}
	}
	if r := send(t, srv, "PATCH", "/v1.0/groups/"+g, tok, bind(alice, other)); r.status != 204 {
		t.Fatalf("bind: %d %s", r.status, r.body)
	}
	wantError(t, send(t, srv, "PATCH", "/v1.0/groups/"+g, tok, bind(bob, alice)), 400, "Request_BadRequest",
		"One or more added object references already exist for the following modified properties: 'members'.")
	got := memberIDs(t, get(t, srv, "/v1.0/groups/"+g+"/members", tok, nil))
	if want := []string{"#microsoft.graph.user " + alice, "#microsoft.graph.group " + other}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("members %v, want %v", got, want)
	}
	for _, key := range []string{alice, "ALICE@contoso.onmicrosoft.com"} {
		if got := memberIDs(t, get(t, srv, "/v1.0/users/"+key+"/memberOf", tok, nil)); fmt.Sprint(got) != "[#microsoft.graph.group "+g+"]" {
			t.Fatalf("memberOf %s: %v", key, got)
		}
	}
	wantError(t, get(t, srv, "/v1.0/users/nobody@contoso.onmicrosoft.com/memberOf", tok, nil), 404, "Request_ResourceNotFound",
		"Resource 'nobody@contoso.onmicrosoft.com' does not exist or one of its queried reference-property objects are not present.")
}
