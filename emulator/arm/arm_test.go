package arm

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/fixture"
	"github.com/golang-jwt/jwt/v5"
)

func newServer(t *testing.T, subs int) *httptest.Server {
	var list []Subscription
	for i := range subs {
		list = append(list, Subscription{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), DisplayName: fmt.Sprintf("Sub %d", i)})
	}
	srv := httptest.NewTLSServer(New(Config{TenantID: fixture.Tenant, TenantDisplayName: "Contoso", DefaultDomain: "contoso.onmicrosoft.com",
		PublicKey: &fixture.Key().PublicKey, Subscriptions: list, Now: func() time.Time { return fixture.Now }}))
	t.Cleanup(srv.Close)
	return srv
}

// token is an ARM access token for user_impersonation; extra claims override the defaults.
func token(t *testing.T, extra jwt.MapClaims) string {
	t.Helper()
	c := jwt.MapClaims{"scp": "user_impersonation"}
	maps.Copy(c, extra)
	return fixture.Token(t, "https://management.core.windows.net/", c)
}

// do sends method to u (a path is the server's) with tok as bearer and a
// JSON body, each left out when empty.
func do(t *testing.T, srv *httptest.Server, tok, method, u, body string) fixture.Reply {
	t.Helper()
	if strings.HasPrefix(u, "/") {
		u = srv.URL + u
	}
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return fixture.Do(t, srv.Client(), req)
}

// get is a GET whose answer must be a JSON object.
func get(t *testing.T, srv *httptest.Server, u, tok string) (int, http.Header, map[string]any) {
	t.Helper()
	r := do(t, srv, tok, http.MethodGet, u, "")
	return r.Status, r.Header, r.JSON(t)
}

// call is any request; the answer's JSON object, nil when it is none.
func call(t *testing.T, srv *httptest.Server, tok, method, u, body string) (int, http.Header, map[string]any) {
	t.Helper()
	r := do(t, srv, tok, method, u, body)
	var m map[string]any
	_ = json.Unmarshal([]byte(r.Body), &m)
	return r.Status, r.Header, m
}

// send is a call with a default user's token.
func send(t *testing.T, srv *httptest.Server, method, u, body string) (int, http.Header, map[string]any) {
	t.Helper()
	return call(t, srv, token(t, nil), method, u, body)
}

func TestAPIVersionRequired(t *testing.T) {
	srv := newServer(t, 1)
	status, _, m := get(t, srv, "/subscriptions", token(t, nil))
	code, msg := fixture.ErrorCodeMessage(m)
	if status != 400 || code != "MissingApiVersionParameter" || msg != "The api-version query parameter (?api-version=) is required for all requests." {
		t.Fatalf("%d %s %q", status, code, msg)
	}
	status, _, m = get(t, srv, "/tenants?api-version=yesterday", token(t, nil))
	if code, _ := fixture.ErrorCodeMessage(m); status != 400 || code != "InvalidApiVersionParameter" {
		t.Fatalf("%d %v", status, m)
	}
}

func TestTokenChecks(t *testing.T) {
	srv := newServer(t, 1)
	cases := []struct {
		name, tok, code, msgPrefix string
	}{
		{"missing", "", "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing."},
		{"graph token", token(t, jwt.MapClaims{"aud": "https://graph.microsoft.com"}), "InvalidAuthenticationTokenAudience",
			"The access token has been obtained for wrong audience or resource 'https://graph.microsoft.com'."},
		{"expired", token(t, jwt.MapClaims{"exp": fixture.Now.Add(-time.Hour).Unix()}), "ExpiredAuthenticationToken",
			"The access token expiry UTC time '9/1/2026 11:00:00 AM' is earlier than current UTC time '9/1/2026 12:00:00 PM'."},
		{"garbage", "abc.def.ghi", "InvalidAuthenticationToken", "The access token is invalid."},
		{"other tenant", token(t, jwt.MapClaims{"tid": "00000000-0000-0000-0000-000000000009"}), "InvalidAuthenticationTokenTenant", "The access token is from the wrong issuer"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, h, m := get(t, srv, "/subscriptions?api-version=2022-12-01", c.tok)
			code, msg := fixture.ErrorCodeMessage(m)
			if status != 401 || code != c.code || !strings.HasPrefix(msg, c.msgPrefix) {
				t.Fatalf("%d %s %q", status, code, msg)
			}
			if !strings.HasPrefix(h.Get("WWW-Authenticate"), "Bearer authorization_uri=") {
				t.Fatalf("WWW-Authenticate %q", h.Get("WWW-Authenticate"))
			}
		})
	}
	for _, aud := range []string{"https://management.azure.com", "https://management.azure.com/", "https://management.core.windows.net"} {
		if status, _, m := get(t, srv, "/tenants?api-version=2022-12-01", token(t, jwt.MapClaims{"aud": aud})); status != 200 {
			t.Fatalf("aud %s: %d %v", aud, status, m)
		}
	}
}

func TestTenants(t *testing.T) {
	srv := newServer(t, 0)
	status, h, m := get(t, srv, "/tenants?api-version=2022-12-01", token(t, nil))
	v := m["value"].([]any)
	if status != 200 || len(v) != 1 || h.Get("x-ms-request-id") == "" {
		t.Fatalf("%d %v", status, m)
	}
	ten := v[0].(map[string]any)
	if ten["id"] != "/tenants/"+fixture.Tenant || ten["tenantId"] != fixture.Tenant || ten["displayName"] != "Contoso" || ten["tenantCategory"] != "Home" {
		t.Fatalf("tenant %v", ten)
	}
}

func TestSubscriptionsPaging(t *testing.T) {
	const n = 250
	srv := newServer(t, n)
	seen := map[string]int{}
	next, pages := "/subscriptions?api-version=2022-12-01", 0
	for next != "" {
		status, _, m := get(t, srv, next, token(t, nil))
		if status != 200 {
			t.Fatalf("%d %v", status, m)
		}
		if c := m["count"].(map[string]any); c["value"] != float64(n) {
			t.Fatalf("count %v", c)
		}
		for _, s := range m["value"].([]any) {
			sub := s.(map[string]any)
			seen[sub["subscriptionId"].(string)]++
			if sub["id"] != "/subscriptions/"+sub["subscriptionId"].(string) || sub["state"] != "Enabled" || sub["tenantId"] != fixture.Tenant {
				t.Fatalf("subscription %v", sub)
			}
		}
		pages++
		next, _ = m["nextLink"].(string)
		if next != "" {
			u, _ := url.Parse(next)
			if !strings.HasPrefix(next, srv.URL+"/subscriptions?") || u.Query().Get("api-version") != "2022-12-01" {
				t.Fatalf("nextLink %s", next)
			}
		}
	}
	if pages != 3 || len(seen) != n {
		t.Fatalf("%d pages, %d subscriptions", pages, len(seen))
	}
	for id, c := range seen {
		if c != 1 {
			t.Fatalf("%s seen %d times", id, c)
		}
	}
	_, _, m := get(t, srv, "/subscriptions?api-version=2022-12-01&$top=7", token(t, nil))
	if len(m["value"].([]any)) != 7 {
		t.Fatalf("$top=7 gave %d", len(m["value"].([]any)))
	}
}

func TestSubscriptionByID(t *testing.T) {
	srv := newServer(t, 2)
	id := "00000000-0000-4000-8000-000000000001"
	status, _, m := get(t, srv, "/subscriptions/"+id+"?api-version=2022-12-01", token(t, nil))
	if status != 200 || m["displayName"] != "Sub 1" {
		t.Fatalf("%d %v", status, m)
	}
	status, _, m = get(t, srv, "/subscriptions/"+id+"/resourceGroups?api-version=2021-04-01", token(t, nil))
	if status != 200 || len(m["value"].([]any)) != 0 {
		t.Fatalf("%d %v", status, m)
	}
	status, _, m = get(t, srv, "/subscriptions/00000000-0000-4000-8000-00000000cafe?api-version=2022-12-01", token(t, nil))
	if code, _ := fixture.ErrorCodeMessage(m); status != 404 || code != "SubscriptionNotFound" {
		t.Fatalf("%d %v", status, m)
	}
	// A name where the id belongs is malformed, not missing (Azure/apiops#460),
	// and so is an empty id (Azure/azure-cli#30953).
	for path, named := range map[string]string{"/subscriptions/Pay-As-You-Go?api-version=2022-12-01": "Pay-As-You-Go",
		"/subscriptions//resourceGroups/x?api-version=2021-04-01": "resourceGroups"} {
		status, _, m = get(t, srv, path, token(t, nil))
		code, msg := fixture.ErrorCodeMessage(m)
		if status != 400 || code != "InvalidSubscriptionId" || msg != "The provided subscription identifier '"+named+"' is malformed or invalid." {
			t.Fatalf("%s: %d %v", path, status, m)
		}
	}
	// A path with no subscription (cloudquery/cloudquery#6635).
	status, _, m = get(t, srv, "/global/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01", token(t, nil))
	if code, _ := fixture.ErrorCodeMessage(m); status != 404 || code != "MissingSubscription" {
		t.Fatalf("%d %v", status, m)
	}
}
