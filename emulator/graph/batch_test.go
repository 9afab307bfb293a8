package graph

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

type batchOut struct {
	Responses []struct {
		ID      string            `json:"id"`
		Status  int               `json:"status"`
		Headers map[string]string `json:"headers"`
		Body    json.RawMessage   `json:"body"`
	} `json:"responses"`
}

func TestBatch(t *testing.T) {
	srv := newTestServer(t, 30)
	tok := userToken(t, "User.Read Group.Read.All")
	send := func(body string) result {
		t.Helper()
		return do(t, srv, "POST", "/v1.0/$batch", tok, map[string]string{"Content-Type": "application/json"}, strings.NewReader(body))
	}

	r := send(`{"requests":[
		{"id":"1","method":"GET","url":"/me?$select=displayName"},
		{"id":"2","method":"GET","url":"groups?$top=5"},
		{"id":"3","method":"GET","url":"/users"},
		{"id":"4","method":"GET","url":"/groups/00000000-0000-0000-0000-00000000dead"},
		{"id":"5","method":"GET","url":"/groups/$count","headers":{"ConsistencyLevel":"eventual"}},
		{"id":"6","method":"GET","url":"/me","dependsOn":["4"]}]}`)
	if r.status != 200 {
		t.Fatalf("batch: %d %s", r.status, r.body)
	}
	var out batchOut
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	bodies := map[string]json.RawMessage{}
	for _, x := range out.Responses {
		got[x.ID] = x.Status
		bodies[x.ID] = x.Body
	}
	want := map[string]int{"1": 200, "2": 200, "3": 403, "4": 404, "5": 200, "6": 424}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("statuses %v, want %v", got, want)
	}
	var me map[string]any
	if err := json.Unmarshal(bodies["1"], &me); err != nil || me["displayName"] != "Alice Smith" {
		t.Fatalf("item 1 body %s", bodies["1"])
	}
	var groups struct {
		Value []any  `json:"value"`
		Next  string `json:"@odata.nextLink"`
	}
	if err := json.Unmarshal(bodies["2"], &groups); err != nil || len(groups.Value) != 5 || !strings.HasPrefix(groups.Next, srv.URL+"/v1.0/groups?") {
		t.Fatalf("item 2 body %s", bodies["2"])
	}
	if string(bodies["5"]) != `"30"` {
		t.Fatalf("item 5 body %s", bodies["5"])
	}
	if !strings.Contains(string(bodies["3"]), "Authorization_RequestDenied") {
		t.Fatalf("item 3 body %s", bodies["3"])
	}

	var reqs []string
	for i := range 21 {
		reqs = append(reqs, fmt.Sprintf(`{"id":"%d","method":"GET","url":"/me"}`, i))
	}
	r = send(`{"requests":[` + strings.Join(reqs, ",") + `]}`)
	if code, _ := graphError(t, r); r.status != 400 || code != "BadRequest" {
		t.Fatalf("21 requests: %d %s", r.status, r.body)
	}
	r = send(`{"requests":[` + strings.Join(reqs[:20], ",") + `]}`)
	if r.status != 200 {
		t.Fatalf("20 requests: %d %s", r.status, r.body)
	}
	for bad, want := range map[string]string{
		`{"requests":[{"id":"1","method":"GET","url":"/me"},{"id":"1","method":"GET","url":"/me"}]}`: "Batch request contains duplicate Id 1.",
		`{"requests":[{"id":"a","method":"GET","url":"/me"},{"id":"A","method":"GET","url":"/me"}]}`: "Batch request contains duplicate Id A.",
		`{"requests":[{"id":"1","url":"/me"}]}`:                                                      "Invalid batch payload format: the request with id '1' has no method.",
		`not json`:                                                                                   "Invalid batch payload format.",
		`{"requests":[{"id":"1","method":"GET","url":"/me","dependsOn":["9"]}]}`:                     "Request 1 depends on request 9, which is not in the batch.",
		`{"requests":[{"id":"1","method":"GET","url":"/me","dependsOn":["2"]},{"id":"2","method":"GET","url":"/me","dependsOn":["1"]}]}`: "Batch request contains a circular dependency involving request 1.",
	} {
		r := send(bad)
		if code, msg := graphError(t, r); r.status != 400 || code != "BadRequest" || msg != want {
			t.Errorf("%s: %d %s", bad, r.status, r.body)
		}
	}
	// dependsOn may name a later request (the documentation's own example), and
	// ids match without case: the later one runs first.
	r = send(`{"requests":[{"id":"1","method":"GET","url":"/me","dependsOn":["B"]},{"id":"b","method":"GET","url":"/groups/00000000-0000-0000-0000-00000000dead"},
		{"id":"3","method":"GET","url":"/me","dependsOn":["4"]},{"id":"4","method":"GET","url":"/me"}]}`)
	var later batchOut
	if err := json.Unmarshal(r.body, &later); err != nil || r.status != 200 || len(later.Responses) != 4 ||
		later.Responses[0].ID != "1" || later.Responses[0].Status != 424 || later.Responses[1].Status != 404 ||
		later.Responses[2].Status != 200 || later.Responses[3].Status != 200 {
		t.Fatalf("dependsOn a later request: %d %s", r.status, r.body)
	}
	// The outer token is checked before anything runs.
	r = do(t, srv, "POST", "/v1.0/$batch", "", nil, strings.NewReader(`{"requests":[{"id":"1","method":"GET","url":"/me"}]}`))
	if r.status != 401 {
		t.Fatalf("batch without token: %d", r.status)
	}
}
