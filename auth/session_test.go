package auth

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	testTID  = "11111111-2222-3333-4444-555555555555"
	testOID  = "aaaaaaaa-0000-0000-0000-000000000001"
	psClient = "1950a258-227b-4e31-a9cf-717495945fc2" // Azure PowerShell, FOCI
)

// entraLike answers device code (approved at once) and refresh grants the
// way Entra does: any one resource, a new RT each time, foci for family
// clients; a mixed-resource scope is AADSTS28000.
func entraLike(t *testing.T, fe *fakeEntra) {
	fe.dev = func(w http.ResponseWriter, _ string, f url.Values) {
		writeJSON(w, 200, map[string]any{"user_code": "ABC", "device_code": "dc", "verification_uri": "https://microsoft.com/devicelogin",
			"expires_in": 900, "interval": 1, "message": "enter ABC"})
	}
	n := 0
	fe.setToken(func(w http.ResponseWriter, tenant string, f url.Values) {
		n++
		scope := f.Get("scope")
		if f.Get("grant_type") == "urn:ietf:params:oauth:grant-type:device_code" {
			scope = "https://management.core.windows.net//.default offline_access openid profile"
		}
		var resources []string
		for _, s := range strings.Fields(scope) {
			if !reservedScopes[s] {
				resources = append(resources, s[:strings.LastIndex(s, "/")])
			}
		}
		if len(resources) > 1 && resources[0] != resources[1] {
			writeJSON(w, 400, entraErrorBody("invalid_scope", 28000, "Provided value for the input parameter scope is not valid because it contains more than one resource."))
			return
		}
		if f.Get("grant_type") == "refresh_token" {
			if f.Get("refresh_token") == "revoked" {
				writeJSON(w, 400, entraErrorBody("invalid_grant", 50173, "The provided grant has expired due to it being revoked."))
				return
			}
			if f.Get("client_id") != AzureCLIClientID && f.Get("client_id") != psClient {
				writeJSON(w, 400, entraErrorBody("invalid_grant", 70000, "Provided grant is invalid or malformed."))
				return
			}
		}
		aud := strings.TrimSuffix(strings.TrimSuffix(resources[0], "/"), "/.default")
		writeJSON(w, 200, userTokenBody(t, aud+"/", resources[0]+"/.default", "rt-"+itoa(n)+"-"+f.Get("client_id"), true))
	})
}

func loginDevice(t *testing.T, s *Session) *Account {
	t.Helper()
	var shown string
	s.cfg.OnDeviceCode = func(dc DeviceCode) { shown = dc.Message }
	a, err := s.Login(context.Background(), LoginOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if shown != "enter ABC" {
		t.Fatalf("message not shown: %q", shown)
	}
	return a
}

func TestSessionDeviceLoginThenScopeExchange(t *testing.T) {
	fe := newFakeEntra(t)
	entraLike(t, fe)
	s := newTestSession(t, fe, nil)
	a := loginDevice(t, s)
	if a.Username != "alice@contoso.test" || a.TenantID != testTID || a.ObjectID != testOID || a.ClientID != AzureCLIClientID ||
		a.HomeAccountID != testOID+"."+testTID || a.Flow != FlowDevice || a.Tenant != "organizations" {
		t.Fatalf("account: %+v", a)
	}
	before := len(fe.requests())
	arm, err := s.Token(context.Background(), "", TokenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !arm.FromCache || len(fe.requests()) != before || arm.Audience != "https://management.core.windows.net/" {
		t.Fatalf("ARM token should come from the login's cache: %+v", arm)
	}
	graph, err := s.Token(context.Background(), "https://graph.microsoft.com/.default", TokenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if graph.FromCache || graph.Audience != "https://graph.microsoft.com/" || graph.Claims["upn"] != "alice@contoso.test" {
		t.Fatalf("graph token: %+v", graph)
	}
	last := fe.requests()[len(fe.requests())-1]
	if last.Path != "/"+testTID+"/oauth2/v2.0/token" {
		t.Fatalf("exchange went to %s, want the home tenant", last.Path)
	}
	f := last.Form
	if f.Get("grant_type") != "refresh_token" || f.Get("scope") != "https://graph.microsoft.com/.default offline_access openid profile" ||
		!strings.HasPrefix(f.Get("refresh_token"), "rt-") || f.Get("client_info") != "1" {
		t.Fatalf("exchange form: %v", f)
	}
	// Second ask: from the cache.
	again, err := s.Token(context.Background(), "https://graph.microsoft.com/.default", TokenOptions{})
	if err != nil || !again.FromCache || again.AccessToken != graph.AccessToken {
		t.Fatalf("not cached: %v", err)
	}
	// Force: a new exchange, with the newest refresh token.
	forced, err := s.Token(context.Background(), "https://graph.microsoft.com/.default", TokenOptions{Force: true})
	if err != nil || forced.FromCache {
		t.Fatalf("force: %v", err)
	}
	used := fe.requests()[len(fe.requests())-1].Form.Get("refresh_token")
	if used == f.Get("refresh_token") {
		t.Fatalf("the replaced refresh token was used again")
	}
	// Another process (a new Session on the same home) sees it all.
	s2, err := NewSession(Config{HTTP: fe.srv.Client(), Home: s.cfg.Home, Cloud: fe.cloud(), Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	accts, _ := s2.Accounts()
	if len(accts) != 1 || accts[0].Username != "alice@contoso.test" {
		t.Fatalf("accounts: %+v", accts)
	}
	infos, _ := s2.Tokens()
	var access, refresh int
	for _, i := range infos {
		if i.Kind == "access" {
			access++
		} else {
			refresh++
		}
		if i.Account != "alice@contoso.test" {
			t.Fatalf("token info: %+v", i)
		}
	}
	if access < 2 || refresh != 1 {
		t.Fatalf("tokens(): %d access, %d refresh (one RT per account and client)", access, refresh)
	}
}

func TestSessionFOCIAndErrors(t *testing.T) {
	fe := newFakeEntra(t)
	entraLike(t, fe)
	s := newTestSession(t, fe, nil)
	loginDevice(t, s)
	ctx := context.Background()
	ps, err := s.Token(ctx, "https://graph.microsoft.com/.default", TokenOptions{ClientID: psClient})
	if err != nil {
		t.Fatal(err)
	}
	last := fe.requests()[len(fe.requests())-1].Form
	if ps.ClientID != psClient || last.Get("client_id") != psClient || !strings.HasSuffix(last.Get("refresh_token"), AzureCLIClientID) {
		t.Fatalf("FOCI exchange: %v", last)
	}
	// A client that is not in the family: Entra refuses; the error says why.
	_, err = s.Token(ctx, "https://graph.microsoft.com/.default", TokenOptions{ClientID: "99999999-0000-0000-0000-000000000000"})
	if err == nil || !strings.Contains(err.Error(), "FOCI") {
		t.Fatalf("non-family: %v", err)
	}
	// Mixed resources.
	_, err = s.Token(ctx, "https://graph.microsoft.com/.default https://management.core.windows.net//.default", TokenOptions{})
	var ee *EntraError
	if !errors.As(err, &ee) || !ee.HasCode(28000) || !strings.Contains(ee.Hint(), "one resource") {
		t.Fatalf("mixed: %v", err)
	}
	// Revoked refresh token → the hint says log in again.
	err = s.cache.update(func(d *cacheData) error {
		for k, e := range d.RefreshTokens {
			e.Secret = "revoked"
			d.RefreshTokens[k] = e
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Token(ctx, "https://storage.azure.com/.default", TokenOptions{})
	if !errors.As(err, &ee) || !ee.HasCode(50173) || !strings.Contains(err.Error(), "log in again") {
		t.Fatalf("revoked: %v", err)
	}
	if err := s.Logout("alice@contoso.test"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Token(ctx, "", TokenOptions{}); err == nil || !strings.Contains(err.Error(), "login()") {
		t.Fatalf("after logout: %v", err)
	}
	if infos, _ := s.Tokens(); len(infos) != 0 {
		t.Fatalf("tokens left after logout: %+v", infos)
	}
}

func TestSessionSecretLoginKeepsSecretInMemory(t *testing.T) {
	fe := newFakeEntra(t)
	const secret = "Zx8Q~the-secret-value"
	fe.setToken(func(w http.ResponseWriter, tenant string, f url.Values) {
		if f.Get("client_secret") != secret {
			writeJSON(w, 401, entraErrorBody("invalid_client", 7000215, "Invalid client secret provided."))
			return
		}
		if !strings.HasSuffix(f.Get("scope"), "/.default") {
			writeJSON(w, 400, entraErrorBody("invalid_scope", 70011, "The provided value for the input parameter 'scope' isn't valid."))
			return
		}
		writeJSON(w, 200, map[string]any{"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599,
			"access_token": fakeJWT(t, map[string]any{"aud": "https://graph.microsoft.com", "tid": testTID, "oid": "sp-oid", "roles": []string{}})})
	})
	env := map[string]string{"AZURE_TENANT_ID": testTID, "AZURE_CLIENT_ID": "app-1", "AZURE_CLIENT_SECRET": "wrong"}
	s := newTestSession(t, fe, env)
	ctx := context.Background()
	_, err := s.Login(ctx, LoginOptions{Flow: FlowSecret})
	var ee *EntraError
	if !errors.As(err, &ee) || ee.HTTPStatus != 401 || !ee.HasCode(7000215) || strings.Contains(err.Error(), "wrong") {
		t.Fatalf("bad secret: %v", err)
	}
	a, err := s.Login(ctx, LoginOptions{Flow: FlowSecret, ClientSecret: secret, Scope: "https://graph.microsoft.com/.default"})
	if err != nil {
		t.Fatal(err)
	}
	if a.ClientID != "app-1" || a.TenantID != testTID || a.ObjectID != "sp-oid" {
		t.Fatalf("account: %+v", a)
	}
	if _, err := s.Token(ctx, "https://graph.microsoft.com/.default", TokenOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Token(ctx, "User.Read", TokenOptions{}); !errors.As(err, &ee) || !ee.HasCode(70011) {
		t.Fatalf("invalid scope: %v", err)
	}
	raw, err := os.ReadFile(filepath.Join(s.cfg.Home, "tokens.json"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), secret) {
		t.Fatal("the client secret was written to disk")
	}
	// A new process has no secret (env names another one): a clear error.
	s2, _ := NewSession(Config{HTTP: fe.srv.Client(), Home: s.cfg.Home, Cloud: fe.cloud(), Getenv: func(string) string { return "" }})
	if _, err := s2.Token(ctx, "https://management.core.windows.net//.default", TokenOptions{}); err == nil || !strings.Contains(err.Error(), "memory only") {
		t.Fatalf("new process: %v", err)
	}
}
