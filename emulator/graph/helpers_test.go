package graph

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/fixture"
	"github.com/golang-jwt/jwt/v5"
)

func testUsers() []User {
	return []User{
		{ID: "11111111-1111-1111-1111-111111111111", UserPrincipalName: "alice@contoso.onmicrosoft.com", DisplayName: "Alice Smith", Mail: "alice@contoso.onmicrosoft.com"},
		{ID: "22222222-2222-2222-2222-222222222222", UserPrincipalName: "bob@contoso.onmicrosoft.com", DisplayName: "Bob Jones"},
	}
}

func testGroups(n int) []Group {
	out := make([]Group, n)
	for i := range out {
		out[i] = Group{
			ID:              fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i),
			DisplayName:     fmt.Sprintf("Group %05d", i),
			Description:     "test group",
			MailNickname:    fmt.Sprintf("group%05d", i),
			SecurityEnabled: i%3 != 0,
			MailEnabled:     i%3 == 0,
			CreatedDateTime: fixture.Now.Add(-time.Duration(i) * time.Hour),
		}
	}
	return out
}

func newTestServer(t testing.TB, groups int) *httptest.Server {
	srv := httptest.NewTLSServer(New(Config{
		TenantID:  fixture.Tenant,
		PublicKey: &fixture.Key().PublicKey,
		Users:     testUsers(),
		Groups:    testGroups(groups),
		Now:       func() time.Time { return fixture.Now },
	}))
	t.Cleanup(srv.Close)
	return srv
}

// mint is a Graph access token signed with the test key; extra claims override the defaults.
func mint(t testing.TB, extra jwt.MapClaims) string {
	t.Helper()
	return fixture.Token(t, "https://graph.microsoft.com", extra)
}

func userToken(t testing.TB, scp string) string {
	return mint(t, jwt.MapClaims{"scp": scp, "oid": testUsers()[0].ID, "idtyp": "user", "appid": "04b07795-8ddb-461a-bbee-02f9e1bf7b46"})
}

func appToken(t testing.TB, roles ...string) string {
	r := []any{}
	for _, x := range roles {
		r = append(r, x)
	}
	c := jwt.MapClaims{"oid": "33333333-3333-3333-3333-333333333333", "idtyp": "app", "appid": "44444444-4444-4444-4444-444444444444"}
	if len(roles) > 0 {
		c["roles"] = r
	}
	return mint(t, c)
}

type result struct {
	status int
	header http.Header
	body   []byte
}

func (r result) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, r.body)
	}
	return m
}

func do(t testing.TB, srv *httptest.Server, method, url, token string, headers map[string]string, body io.Reader) result {
	t.Helper()
	if url[0] == '/' {
		url = srv.URL + url
	}
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	r := fixture.Do(t, srv.Client(), req)
	return result{r.Status, r.Header, []byte(r.Body)}
}

func get(t testing.TB, srv *httptest.Server, url, token string, headers map[string]string) result {
	t.Helper()
	return do(t, srv, http.MethodGet, url, token, headers, nil)
}

// graphError returns error.code and error.message of a Graph error body.
func graphError(t testing.TB, r result) (code, message string) {
	t.Helper()
	e, ok := r.json(t)["error"].(map[string]any)
	if !ok {
		t.Fatalf("no error object: %s", r.body)
	}
	code, _ = e["code"].(string)
	message, _ = e["message"].(string)
	return code, message
}
