package entra_test

import (
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/entra"
	"github.com/azrepl/azrepl/emulator/internal/fixture"
	"github.com/azrepl/azrepl/emulator/internal/wire"
	"github.com/azrepl/azrepl/emulator/world"
	"github.com/golang-jwt/jwt/v5"
)

func worldApp(t *testing.T, em *emulator.Emulator, name string) *world.App {
	t.Helper()
	for i := range em.World().Apps {
		if em.World().Apps[i].Name == name {
			return &em.World().Apps[i]
		}
	}
	t.Fatalf("no app %s in the world", name)
	return nil
}

func v1URL(tenant string) string {
	return "https://login.microsoftonline.com/" + tenant + "/oauth2/token"
}

// The v1 endpoint takes resource= and answers v1 fields as strings.
func TestV1TokenEndpoint(t *testing.T) {
	em := startEmulator(t, emulator.Config{Groups: 1})
	c, w := em.HTTPClient(), em.World()
	app := worldApp(t, em, "reader-app")
	st, body := fixture.PostForm(t, c, v1URL(w.TenantID), url.Values{"grant_type": {"client_credentials"}, "client_id": {app.ClientID},
		"client_secret": {app.ClientSecret}, "resource": {"2ff814a6-3304-4ab8-85cb-cd0e6f879c1d"}})
	if st != 200 {
		t.Fatalf("%d %v", st, body)
	}
	for _, k := range []string{"expires_in", "ext_expires_in", "expires_on", "not_before"} {
		if s, ok := body[k].(string); !ok || s == "" {
			t.Errorf("%s = %#v, want a string", k, body[k])
		}
	}
	if body["resource"] != "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d" || body["token_type"] != "Bearer" {
		t.Errorf("body %v", body)
	}
	if aud := claimsOf(t, em, body["access_token"].(string))["aud"]; aud != "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d" {
		t.Errorf("aud = %v", aud)
	}
	// A user with the password grant on v1, then a v1 refresh for ARM.
	alice := w.User("alice")
	st, body = fixture.PostForm(t, c, v1URL(w.TenantID), url.Values{"grant_type": {"password"}, "client_id": {fixture.AzureCLI},
		"username": {alice.Username}, "password": {alice.Password}, "resource": {"https://graph.microsoft.com"}})
	if st != 200 || body["refresh_token"] == nil || body["scope"] == "" {
		t.Fatalf("v1 password: %d %v", st, body)
	}
	st, body = fixture.PostForm(t, c, v1URL(w.TenantID), url.Values{"grant_type": {"refresh_token"}, "client_id": {fixture.AzureCLI},
		"refresh_token": {body["refresh_token"].(string)}, "resource": {"https://management.core.windows.net/"}})
	if st != 200 || body["resource"] != "https://management.core.windows.net/" {
		t.Fatalf("v1 refresh: %d %v", st, body)
	}
	st, body = fixture.PostForm(t, c, v1URL(w.TenantID), url.Values{"grant_type": {"client_credentials"}, "client_id": {app.ClientID}, "client_secret": {app.ClientSecret}})
	fixture.WantEntraError(t, st, body, 400, "invalid_request", 900144)
	st, body = fixture.PostForm(t, c, v1URL(w.TenantID), url.Values{"grant_type": {"client_credentials"}, "client_id": {app.ClientID},
		"client_secret": {app.ClientSecret}, "resource": {"https://nothing.example"}})
	fixture.WantEntraError(t, st, body, 400, "invalid_resource", 500011)
	st, body = fixture.PostForm(t, c, v1URL("nowhere.example"), url.Values{"grant_type": {"client_credentials"}})
	fixture.WantEntraError(t, st, body, 400, "invalid_tenant", 90002)
}

func TestUserRealmAndPasswordGrant(t *testing.T) {
	em := startEmulator(t, emulator.Config{Groups: 1})
	c, w := em.HTTPClient(), em.World()
	alice := w.User("alice")
	st, body := fixture.GetJSON(t, c, "https://login.microsoftonline.com/common/UserRealm/"+url.PathEscape(alice.Username)+"?api-version=1.0")
	if st != 200 || body["account_type"] != "Managed" || body["domain_name"] != w.Domain || body["cloud_audience_urn"] != "urn:federation:MicrosoftOnline" {
		t.Fatalf("%d %v", st, body)
	}
	st, body = fixture.GetJSON(t, c, "https://login.microsoftonline.com/common/userrealm/?user=x@fabrikam.example&api-version=2.1")
	if st != 200 || body["account_type"] != "Unknown" {
		t.Fatalf("%d %v", st, body)
	}
	st, body = fixture.GetJSON(t, c, "https://login.microsoftonline.com/common/UserRealm/not-a-upn?api-version=1.0")
	fixture.WantEntraError(t, st, body, 400, "invalid_request", 90014)

	tok := fixture.LoginURL(w.TenantID, "token")
	form := func(user, pass string) url.Values {
		return url.Values{"grant_type": {"password"}, "client_id": {fixture.AzureCLI}, "username": {user}, "password": {pass},
			"scope": {"https://graph.microsoft.com/.default openid profile offline_access"}, "client_info": {"1"}}
	}
	st, body = fixture.PostForm(t, c, tok, form(alice.Username, alice.Password))
	if st != 200 || body["refresh_token"] == nil || body["id_token"] == nil {
		t.Fatalf("password: %d %v", st, body)
	}
	st, body = fixture.PostForm(t, c, tok, form(alice.Username, "wrong"))
	fixture.WantEntraError(t, st, body, 400, "invalid_grant", 50126)
	st, body = fixture.PostForm(t, c, tok, form("nobody@"+w.Domain, "x"))
	fixture.WantEntraError(t, st, body, 400, "invalid_grant", 50034)
	st, body = fixture.PostForm(t, c, tok, url.Values{"grant_type": {"password"}, "client_id": {fixture.AzureCLI}, "username": {alice.Username}})
	fixture.WantEntraError(t, st, body, 400, "invalid_request", 900144)
}

// Workload identity: the issuer's discovery and keys, the assertion file,
// and each mismatch with Entra's code.
func TestFederatedCredentials(t *testing.T) {
	dir := t.TempDir()
	em := startEmulator(t, emulator.Config{Groups: 1, Dir: dir})
	c, w := em.HTTPClient(), em.World()
	app := worldApp(t, em, "workload-app")
	if app.FederatedCredentials[0].Issuer != em.FederationIssuer() || !strings.HasPrefix(em.FederationIssuer(), em.DirectURL()) {
		t.Fatalf("issuer %q, direct %s", app.FederatedCredentials[0].Issuer, em.DirectURL())
	}
	dc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: em.CertPool()}}}
	st, doc := fixture.GetJSON(t, dc, em.FederationIssuer()+"/.well-known/openid-configuration")
	if st != 200 || doc["issuer"] != em.FederationIssuer() {
		t.Fatalf("discovery %d %v", st, doc)
	}
	if st, keys := fixture.GetJSON(t, dc, doc["jwks_uri"].(string)); st != 200 || len(keys["keys"].([]any)) != 1 {
		t.Fatalf("jwks %d %v", st, keys)
	}
	env, err := os.ReadFile(filepath.Join(dir, "workload.env"))
	if err != nil || !strings.Contains(string(env), "AZURE_CLIENT_ID="+app.ClientID) || !strings.Contains(string(env), "AZURE_FEDERATED_TOKEN_FILE=") {
		t.Fatalf("workload.env: %v %s", err, env)
	}
	if exports, _ := os.ReadFile(filepath.Join(dir, "env")); !strings.Contains(string(exports), "NODE_EXTRA_CA_CERTS=") {
		t.Fatalf("env lacks NODE_EXTRA_CA_CERTS: %s", exports)
	}
	fileTok, err := os.ReadFile(filepath.Join(dir, "federated-token"))
	if err != nil {
		t.Fatal(err)
	}
	exchange := func(assertion string) (int, map[string]any) {
		return fixture.PostForm(t, c, fixture.LoginURL(w.TenantID, "token"), url.Values{"grant_type": {"client_credentials"}, "client_id": {app.ClientID},
			"client_assertion_type": {entra.AssertionType}, "client_assertion": {assertion}, "scope": {"https://graph.microsoft.com/.default"}})
	}
	st, body := exchange(string(fileTok))
	if st != 200 {
		t.Fatalf("file assertion: %d %v", st, body)
	}
	if cl := claimsOf(t, em, body["access_token"].(string)); cl["appid"] != app.ClientID || cl["appidacr"] != "2" {
		t.Fatalf("claims %v", cl)
	}
	mint := func(sub, aud string, life time.Duration) string {
		tok, err := em.FederatedToken(sub, aud, life)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	st, body = exchange(mint("system:serviceaccount:other:sa", world.WorkloadAudience, time.Hour))
	fixture.WantEntraError(t, st, body, 400, "invalid_client", 700213)
	st, body = exchange(mint(world.WorkloadSubject, "api://other", time.Hour))
	fixture.WantEntraError(t, st, body, 400, "invalid_client", 700212)
	st, body = exchange(mint(world.WorkloadSubject, world.WorkloadAudience, -time.Minute))
	fixture.WantEntraError(t, st, body, 400, "invalid_client", 700024)
	key := fixture.OtherKey()
	forge := func(iss string) string {
		s, _ := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{"iss": iss, "sub": world.WorkloadSubject,
			"aud": world.WorkloadAudience, "exp": time.Now().Add(time.Hour).Unix()}).SignedString(key)
		return s
	}
	st, body = exchange(forge("https://token.actions.githubusercontent.com"))
	fixture.WantEntraError(t, st, body, 400, "invalid_client", 700211)
	st, body = exchange(forge(em.FederationIssuer()))
	fixture.WantEntraError(t, st, body, 400, "invalid_client", 700027)
	st, body = exchange("not.a.jwt")
	fixture.WantEntraError(t, st, body, 401, "invalid_client", 700027)
}

// The assertion file is rewritten before its short lifetime ends.
func TestAssertionFileRotates(t *testing.T) {
	dir := t.TempDir()
	startEmulator(t, emulator.Config{Groups: 1, Dir: dir, AssertionLifetime: 2 * time.Second})
	first, err := os.ReadFile(filepath.Join(dir, "federated-token"))
	if err != nil {
		t.Fatal(err)
	}
	for {
		next, err := os.ReadFile(filepath.Join(dir, "federated-token"))
		if err == nil && string(next) != string(first) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestOnBehalfOf(t *testing.T) {
	em := startEmulator(t, emulator.Config{Groups: 1})
	c, w := em.HTTPClient(), em.World()
	api := worldApp(t, em, "api-app")
	tok := fixture.LoginURL(w.TenantID, "token")
	userToken := func(name string) string {
		u := w.User(name)
		st, body := fixture.PostForm(t, c, tok, url.Values{"grant_type": {"password"}, "client_id": {fixture.AzureCLI}, "username": {u.Username},
			"password": {u.Password}, "scope": {"api://" + api.ClientID + "/access_as_user"}})
		if st != 200 {
			t.Fatalf("token for the API: %d %v", st, body)
		}
		if cl := claimsOf(t, em, body["access_token"].(string)); cl["aud"] != "api://"+api.ClientID || cl["scp"] != "access_as_user" {
			t.Fatalf("API token claims %v", cl)
		}
		return body["access_token"].(string)
	}
	obo := func(assertion, scope string) (int, map[string]any) {
		return fixture.PostForm(t, c, tok, url.Values{"grant_type": {entra.JWTBearerGrant}, "requested_token_use": {"on_behalf_of"},
			"client_id": {api.ClientID}, "client_secret": {api.ClientSecret}, "assertion": {assertion},
			"scope": {scope + " openid profile offline_access"}, "client_info": {"1"}})
	}
	st, body := obo(userToken("alice"), "https://graph.microsoft.com/User.Read")
	if st != 200 {
		t.Fatalf("obo: %d %v", st, body)
	}
	if cl := claimsOf(t, em, body["access_token"].(string)); cl["appid"] != api.ClientID || cl["upn"] != w.User("alice").Username || cl["scp"] != "User.Read" {
		t.Fatalf("obo claims %v", cl)
	}
	st, body = obo(userToken("bob"), "https://graph.microsoft.com/User.Read")
	if st != 400 || body["error"] != "invalid_grant" || body["suberror"] != "consent_required" || body["error_uri"] != nil ||
		!strings.HasPrefix(body["error_description"].(string), "AADSTS65001: ") {
		t.Fatalf("bob: %d %v", st, body)
	}
	st, body = obo("garbage", "https://graph.microsoft.com/User.Read")
	fixture.WantEntraError(t, st, body, 400, "invalid_grant", 50013)
	st, body = fixture.PostForm(t, c, tok, url.Values{"grant_type": {entra.JWTBearerGrant}, "client_id": {api.ClientID}, "client_secret": {api.ClientSecret}})
	fixture.WantEntraError(t, st, body, 400, "invalid_request", 900144)
}

// First-party clients get their pre-authorized scopes only.
func TestPreauthorization(t *testing.T) {
	em := startEmulator(t, emulator.Config{Groups: 1})
	c, w := em.HTTPClient(), em.World()
	alice := w.User("alice")
	pw := func(client, scope string) (int, map[string]any) {
		return fixture.PostForm(t, c, fixture.LoginURL(w.TenantID, "token"), url.Values{"grant_type": {"password"}, "client_id": {client},
			"username": {alice.Username}, "password": {alice.Password}, "scope": {scope}})
	}
	st, body := pw(fixture.AzureCLI, "https://graph.microsoft.com/Mail.Read")
	fixture.WantEntraError(t, st, body, 400, "invalid_resource", 65002)
	if d := body["error_description"].(string); !strings.Contains(d, "'"+fixture.AzureCLI+"'") || !strings.Contains(d, "'00000003-0000-0000-c000-000000000000'") {
		t.Fatalf("65002 text: %s", d)
	}
	st, body = pw(fixture.AzureCLI, "https://graph.microsoft.com/Foo.Bar")
	fixture.WantEntraError(t, st, body, 400, "invalid_scope", 70011)
	st, body = pw("d3590ed6-52b3-4102-aeff-aad2292ab01c", "https://graph.microsoft.com/Mail.Read")
	if st != 200 || claimsOf(t, em, body["access_token"].(string))["scp"] != "Mail.Read" {
		t.Fatalf("Office Mail.Read: %d %v", st, body)
	}
	st, body = pw(fixture.AzureCLI, "https://graph.microsoft.com/.default")
	if st != 200 || claimsOf(t, em, body["access_token"].(string))["scp"] != strings.Join(entra.CLIGraph, " ") {
		t.Fatalf("CLI .default: %d %v", st, body)
	}
	// Office is not pre-authorized for ARM at all.
	st, body = pw("d3590ed6-52b3-4102-aeff-aad2292ab01c", "https://management.azure.com/.default")
	fixture.WantEntraError(t, st, body, 400, "invalid_resource", 65002)
}

// An x5c chain must start with the registered certificate.
func TestCertificateChainChecked(t *testing.T) {
	em := startEmulator(t, emulator.Config{Groups: 1})
	app := worldApp(t, em, "reader-app")
	key := readKey(t, app.KeyPath)
	cert, err := entra.ReadCertificate(app.CertificatePath)
	if err != nil {
		t.Fatal(err)
	}
	other, _, err := entra.WriteAppCertificate(t.TempDir(), "other", fixture.OtherKey())
	if err != nil {
		t.Fatal(err)
	}
	otherCert, _ := entra.ReadCertificate(other)
	sum := sha256.Sum256(cert.Raw)
	tokURL := fixture.LoginURL(em.World().TenantID, "token")
	assertion := func(chain []byte) string {
		tk := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{"iss": app.ClientID, "sub": app.ClientID, "aud": tokURL,
			"exp": time.Now().Add(5 * time.Minute).Unix(), "jti": wire.RandomGUID()})
		tk.Header["x5t#S256"] = base64.RawURLEncoding.EncodeToString(sum[:])
		tk.Header["x5c"] = []string{base64.StdEncoding.EncodeToString(chain)}
		s, err := tk.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	send := func(a string) (int, map[string]any) {
		return fixture.PostForm(t, em.HTTPClient(), tokURL, url.Values{"grant_type": {"client_credentials"}, "client_id": {app.ClientID},
			"client_assertion_type": {entra.AssertionType}, "client_assertion": {a}, "scope": {"https://graph.microsoft.com/.default"}})
	}
	if st, body := send(assertion(cert.Raw)); st != 200 {
		t.Fatalf("own chain: %d %v", st, body)
	}
	st, body := send(assertion(otherCert.Raw))
	fixture.WantEntraError(t, st, body, 401, "invalid_client", 700027)
}
