package databricks

import (
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/fixture"
	"github.com/golang-jwt/jwt/v5"
)

const (
	entraMemberApp  = "6c1d0000-0000-4000-8000-00000000b001"
	entraManagerApp = "6c1d0000-0000-4000-8000-00000000b002"
	seededPAT       = "dapi0123456789abcdef0123456789abcd00"
	testAccount     = "9a7b6c5d-0000-4000-8000-000000000acc"
	testIssuer      = "https://issuer.example/federation"
	testTenant      = fixture.Tenant
	spAppID         = "5b7a2c9e-0000-4000-8000-00000000a001"
	spSecret        = "dose0123456789abcdef"
	aliceOID        = "11111111-1111-1111-1111-111111111111"
)

var start = time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)

// clock is a settable emulated time.
type clock struct{ offset atomic.Int64 }

func (c *clock) now() time.Time          { return start.Add(time.Duration(c.offset.Load())) }
func (c *clock) advance(d time.Duration) { c.offset.Add(int64(d)) }

type workspace struct {
	*httptest.Server
	clock *clock
}

func newWorkspace(t *testing.T, jobs int) *workspace { return newWorkspaceWith(t, jobs, 4) }

func newWorkspaceWith(t *testing.T, jobs, clusters int) *workspace {
	c := &clock{}
	srv := httptest.NewTLSServer(New(Config{
		Host:           "adb-1234567890123456.7.azuredatabricks.net",
		TenantID:       testTenant,
		EntraPublicKey: &fixture.Key().PublicKey,
		Users: []User{
			{ID: "7000000000000001", UserName: "alice@contoso.onmicrosoft.com", DisplayName: "Alice Smith", Password: "alice-pass", EntraObjectID: aliceOID},
			{ID: "7000000000000002", UserName: "bob@contoso.onmicrosoft.com", DisplayName: "Bob Jones", Password: "bob-pass"},
		},
		ServicePrincipals: []ServicePrincipal{{ID: "8000000000000001", ApplicationID: spAppID, DisplayName: "automation-sp", Secret: spSecret},
			{ID: "8000000000000002", ApplicationID: entraMemberApp, DisplayName: "entra-member"}},
		ResourceManagers: []ServicePrincipal{{ID: "8000000000000003", ApplicationID: entraManagerApp, DisplayName: "entra-manager"}},
		PATs:             []PAT{{ID: "seeded", Value: seededPAT, Owner: "alice@contoso.onmicrosoft.com", Comment: "seed", Created: start}},
		AccountsHost:     "accounts.azuredatabricks.net",
		AccountID:        testAccount,
		Federation: []FederationPolicy{
			{Issuer: testIssuer, Audiences: []string{"databricks"}, Subject: "repo:contoso/app:ref:refs/heads/main", ServicePrincipal: spAppID},
			{Issuer: testIssuer, Subject: "bob@contoso.onmicrosoft.com"},
		},
		IssuerKey: func(iss, _ string) *rsa.PublicKey {
			if iss == testIssuer {
				return &fixture.Key().PublicKey
			}
			return nil
		},
		Clusters: clusters,
		Jobs:     jobs,
		Now:      c.now,
	}))
	t.Cleanup(srv.Close)
	return &workspace{srv, c}
}

// browser is a client with a cookie jar that does not follow redirects, so the
// test sees where the sign-in page sends it.
func (ws *workspace) browser(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := *ws.Client()
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

type reply struct {
	status int
	header http.Header
	body   string
}

func (r reply) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.body), &m); err != nil {
		t.Fatalf("%d: not JSON: %s", r.status, r.body)
	}
	return m
}

func send(t *testing.T, c *http.Client, req *http.Request) reply {
	t.Helper()
	r := fixture.Do(t, c, req)
	return reply{r.Status, r.Header, r.Body}
}

func (ws *workspace) postForm(t *testing.T, path string, form url.Values, basicUser, basicPass string) reply {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, ws.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basicUser != "" {
		req.SetBasicAuth(basicUser, basicPass)
	}
	return send(t, ws.Client(), req)
}

func (ws *workspace) api(t *testing.T, path, token string) reply {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, ws.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return send(t, ws.Client(), req)
}

// entraToken is an Entra access token for Azure Databricks; extra claims override the defaults.
func entraToken(t *testing.T, extra jwt.MapClaims) string {
	t.Helper()
	return fixture.Token(t, AzureDatabricksResource, extra)
}
