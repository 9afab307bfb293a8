package graph

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/internal/graphperm"
)

// servedRequests are the Graph calls the emulator serves, one request per
// route it answers (versions share Microsoft's data).
var servedRequests = []string{
	"/v1.0/me", "/beta/me",
	"/v1.0/users", "/beta/users", "/v1.0/users/$count",
	"/v1.0/users/11111111-1111-1111-1111-111111111111", "/beta/users/alice@contoso.onmicrosoft.com",
	"/v1.0/groups", "/beta/groups", "/v1.0/groups/$count",
	"/v1.0/groups/00000001-0000-4000-8000-000000000001",
	"/v1.0/groups/00000001-0000-4000-8000-000000000001/members", "/beta/me/memberOf",
	"/v1.0/users/bob@contoso.onmicrosoft.com/memberOf",
}

// unrelated is a permission that grants none of the served calls.
const unrelated = "Mail.Send"

// TestServedPathsFollowMicrosoftsData: for every path the emulator serves
// and every scheme Microsoft's data supports on it, a token holding exactly
// one least privileged permission (with what it also requires) is let in,
// and a token with an unrelated permission gets Graph's 403.
func TestServedPathsFollowMicrosoftsData(t *testing.T) {
	srv := newTestServer(t, 3)
	headers := map[string]string{"ConsistencyLevel": "eventual"}
	checked := 0
	for _, path := range servedRequests {
		r, ok := graphperm.Lookup("GET", path)
		if !ok {
			t.Fatalf("%s: not in Microsoft's data", path)
		}
		for _, s := range []graphperm.Scheme{graphperm.DelegatedWork, graphperm.Application} {
			a := r.Schemes[s]
			if !a.Supported() {
				if s == graphperm.Application && (strings.HasSuffix(path, "/me") || strings.HasSuffix(path, "/me/memberOf")) {
					continue // Graph answers /me for apps with a 400 of its own (TestPermissions)
				}
				t.Errorf("%s: %s unsupported in the data", path, s)
				continue
			}
			token := func(perms ...string) string {
				if s == graphperm.Application {
					return appToken(t, perms...)
				}
				return userToken(t, strings.Join(perms, " "))
			}
			if len(a.Least) == 0 {
				t.Errorf("%s %s: no least privileged permission in the data", path, s)
			}
			for _, g := range a.Least {
				perms := []string{g.Permission}
				if len(g.AlsoRequires) > 0 {
					perms = append(perms, g.AlsoRequires[0])
				}
				if res := get(t, srv, path, token(perms...), headers); res.status != http.StatusOK {
					t.Errorf("%s %s with %v: %d %s", path, s, perms, res.status, res.body)
				}
				checked++
			}
			for _, g := range a.All {
				if g.Permission == unrelated {
					t.Fatalf("%s grants %s: pick another unrelated permission", path, unrelated)
				}
			}
			res := get(t, srv, path, token(unrelated), headers)
			code, msg := graphError(t, res)
			if res.status != http.StatusForbidden || code != "Authorization_RequestDenied" || msg != "Insufficient privileges to complete the operation." {
				t.Errorf("%s %s with %s: %d %s %q", path, s, unrelated, res.status, code, msg)
			}
		}
	}
	t.Logf("%d least privileged grants checked", checked)
}

// TestBatchItemsFollowMicrosoftsData: each $batch item is decided alone.
func TestBatchItemsFollowMicrosoftsData(t *testing.T) {
	srv := newTestServer(t, 3)
	r, _ := graphperm.Lookup("GET", "/users")
	best, _ := r.Best(graphperm.Application)
	body := `{"requests":[{"id":"1","method":"GET","url":"/users"},{"id":"2","method":"GET","url":"/groups"}]}`
	res := do(t, srv, http.MethodPost, "/v1.0/$batch", appToken(t, best.Permission), map[string]string{"Content-Type": "application/json"}, strings.NewReader(body))
	var out struct {
		Responses []struct {
			ID     string `json:"id"`
			Status int    `json:"status"`
		} `json:"responses"`
	}
	if err := json.Unmarshal(res.body, &out); err != nil || res.status != 200 {
		t.Fatalf("%d %s", res.status, res.body)
	}
	want := map[string]int{"1": 200, "2": 403}
	if g, _ := graphperm.Lookup("GET", "/groups"); g.Allows(graphperm.Application, func(p string) bool { return p == best.Permission }) {
		want["2"] = 200
	}
	for _, it := range out.Responses {
		if it.Status != want[it.ID] {
			t.Errorf("item %s: %d, want %d (%s)", it.ID, it.Status, want[it.ID], best.Permission)
		}
	}
}
