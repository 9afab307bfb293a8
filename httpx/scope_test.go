package httpx

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
)

func TestScopeFor(t *testing.T) {
	cases := map[string]string{
		"https://graph.microsoft.com/v1.0/me":                         "https://graph.microsoft.com/.default",
		"https://GRAPH.microsoft.com:443/beta/users":                  "https://graph.microsoft.com/.default",
		"https://management.azure.com/subscriptions":                  "https://management.core.windows.net//.default",
		"https://adb-1234567890123456.7.azuredatabricks.net/api/2.0/": "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default",
		"https://accounts.azuredatabricks.net/api/2.0/accounts":       "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default",
		"https://myvault.vault.azure.net/secrets/x":                   "https://vault.azure.net/.default",
		"https://acct.blob.core.windows.net/c/b":                      "https://storage.azure.com/.default",
		"https://acct.dfs.core.chinacloudapi.cn/fs":                   "https://storage.azure.com/.default",
		"https://graph.microsoft.us/v1.0/me":                          "https://graph.microsoft.us/.default",
		"https://management.chinacloudapi.cn/subscriptions":           "https://management.core.chinacloudapi.cn//.default",
		"https://microsoftgraph.chinacloudapi.cn/v1.0/me":             "https://microsoftgraph.chinacloudapi.cn/.default",
	}
	for u, want := range cases {
		if got, ok := ScopeFor(u); !ok || got != want {
			t.Errorf("ScopeFor(%s) = %q, %v; want %q", u, got, ok, want)
		}
	}
	for _, u := range []string{"https://azuredatabricks.net/", "https://evilgraph.microsoft.com.example/", "https://example.com/", "not a url", "/relative"} {
		if got, ok := ScopeFor(u); ok {
			t.Errorf("ScopeFor(%s) = %q, want none", u, got)
		}
	}
}

func TestSetScope(t *testing.T) {
	c := New(Options{Proxy: noProxy})
	if err := c.SetScope("*.contoso.com", "api://contoso/.default"); err != nil {
		t.Fatal(err)
	}
	if err := c.SetScope("graph.microsoft.com", "custom"); err != nil {
		t.Fatal(err)
	}
	if s, _ := c.ScopeFor("https://api.contoso.com/x"); s != "api://contoso/.default" {
		t.Fatal(s)
	}
	if s, _ := c.ScopeFor("https://graph.microsoft.com/v1.0"); s != "custom" {
		t.Fatal("user rule does not win:", s)
	}
	for _, good := range []string{"*.api.contoso.com", "*.contoso.co.uk", "api.contoso.com", "localhost"} {
		if err := c.SetScope(good, "s"); err != nil {
			t.Errorf("pattern %q refused: %v", good, err)
		}
		_ = c.SetScope(good, "")
	}
	_ = c.SetScope("graph.microsoft.com", "")
	if s, _ := c.ScopeFor("https://graph.microsoft.com/v1.0"); s != "https://graph.microsoft.com/.default" {
		t.Fatal("removed rule still used:", s)
	}
	// A wildcard over a public suffix would send the token to every site
	// under it (*.com, *.co.uk, *.azurewebsites.net: anyone's app).
	for _, bad := range []string{"", "https://x.com", "a.*.com", "host:443", "*.com", "*.co.uk", "*", "*.", "*.azurewebsites.net", "**.contoso.com"} {
		if c.SetScope(bad, "s") == nil {
			t.Errorf("pattern %q accepted", bad)
		}
	}
}

// The token comes from the source for the URL's scope, unless the request
// says otherwise; ConsistencyLevel is added to Graph advanced queries.
func TestTokenAndConsistencyLevel(t *testing.T) {
	var last atomic.Value
	srv, c, _ := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		last.Store(r.Header.Get("Authorization") + "|" + r.Header.Get("ConsistencyLevel"))
	}), Options{})
	_ = c.SetScope("127.0.0.1", "https://graph.microsoft.com/.default")
	var scopes []string
	c.SetTokenSource(func(_ context.Context, scope string) (string, error) {
		scopes = append(scopes, scope)
		return "tok-for-" + scope, nil
	})
	do := func(r *Request) string {
		if _, err := c.Do(context.Background(), r); err != nil {
			t.Fatal(err)
		}
		return last.Load().(string)
	}
	if got := do(&Request{URL: srv.URL + "/v1.0/groups?$count=true"}); got != "Bearer tok-for-https://graph.microsoft.com/.default|eventual" {
		t.Fatal(got)
	}
	if got := do(&Request{URL: srv.URL + "/v1.0/users", Query: map[string][]string{"$search": {`"displayName:al"`}}, Scope: "other"}); got != "Bearer tok-for-other|eventual" {
		t.Fatal(got)
	}
	if got := do(&Request{URL: srv.URL + "/v1.0/groups/$count"}); got != "Bearer tok-for-https://graph.microsoft.com/.default|eventual" {
		t.Fatal(got)
	}
	if got := do(&Request{URL: srv.URL + "/v1.0/groups", NoAuth: true}); got != "|" {
		t.Fatal(got)
	}
	if got := do(&Request{URL: srv.URL + "/v1.0/groups", Header: http.Header{"Authorization": {"Bearer mine"}}}); got != "Bearer mine|" {
		t.Fatal(got)
	}
	if len(scopes) != 3 {
		t.Fatalf("token source asked %d times", len(scopes))
	}
}
