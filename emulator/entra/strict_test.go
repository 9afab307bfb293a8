package entra_test

import (
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/url"
	"os"
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

// TestTokenEndpointErrors hits each error on purpose and checks status, error and AADSTS code.
func TestTokenEndpointErrors(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	c := em.HTTPClient()
	w := em.World()
	story, reader := w.Apps[0], w.Apps[1]
	tid := w.TenantID
	rt := deviceLogin(t, em, fixture.AzureCLI, "https://management.core.windows.net//.default offline_access openid profile")["refresh_token"].(string)
	cases := []struct {
		name, tenant string
		form         url.Values
		status       int
		err          string
		code         int
	}{
		{"missing grant_type", tid, url.Values{"client_id": {fixture.AzureCLI}}, 400, "invalid_request", 900144},
		{"unknown client", tid, url.Values{"grant_type": {"client_credentials"}, "client_id": {"11111111-2222-3333-4444-555555555555"}, "client_secret": {"x"}, "scope": {"https://graph.microsoft.com/.default"}}, 400, "unauthorized_client", 700016},
		{"bad secret", tid, url.Values{"grant_type": {"client_credentials"}, "client_id": {story.ClientID}, "client_secret": {"wrong"}, "scope": {"https://graph.microsoft.com/.default"}}, 401, "invalid_client", 7000215},
		{"no credential", tid, url.Values{"grant_type": {"client_credentials"}, "client_id": {story.ClientID}, "scope": {"https://graph.microsoft.com/.default"}}, 401, "invalid_client", 7000216},
		{"no credential, password grant", tid, url.Values{"grant_type": {"password"}, "client_id": {story.ClientID}, "username": {"alice"}, "password": {"x"}, "scope": {"https://graph.microsoft.com/.default"}}, 401, "invalid_client", 7000218},
		{"malformed tenant", "undefined", url.Values{"grant_type": {"client_credentials"}, "client_id": {story.ClientID}, "client_secret": {story.ClientSecret}, "scope": {"https://graph.microsoft.com/.default"}}, 400, "invalid_request", 900023},
		{"placeholder tenant", "{{tenantid}}", url.Values{"grant_type": {"client_credentials"}, "client_id": {story.ClientID}, "client_secret": {story.ClientSecret}, "scope": {"https://graph.microsoft.com/.default"}}, 400, "invalid_request", 900023},
		{"public client with secret", tid, url.Values{"grant_type": {"refresh_token"}, "client_id": {fixture.AzureCLI}, "client_secret": {"x"}, "refresh_token": {rt}, "scope": {"https://graph.microsoft.com/.default"}}, 400, "invalid_client", 700025},
		{"client credentials on common", "common", url.Values{"grant_type": {"client_credentials"}, "client_id": {story.ClientID}, "client_secret": {story.ClientSecret}, "scope": {"https://graph.microsoft.com/.default"}}, 400, "invalid_request", 9001023},
		{"invalid scope", tid, url.Values{"grant_type": {"client_credentials"}, "client_id": {story.ClientID}, "client_secret": {story.ClientSecret}, "scope": {"https://graph.microsoft.com/"}}, 400, "invalid_scope", 70011},
		{"two resources, client credentials", tid, url.Values{"grant_type": {"client_credentials"}, "client_id": {story.ClientID}, "client_secret": {story.ClientSecret}, "scope": {"https://graph.microsoft.com/.default https://management.azure.com/.default"}}, 400, "invalid_scope", 70011},
		{"two resources, refresh", tid, url.Values{"grant_type": {"refresh_token"}, "client_id": {fixture.AzureCLI}, "refresh_token": {rt}, "scope": {"https://graph.microsoft.com/.default https://management.core.windows.net//.default"}}, 400, "invalid_scope", 28000},
		{"unknown resource", tid, url.Values{"grant_type": {"refresh_token"}, "client_id": {fixture.AzureCLI}, "refresh_token": {rt}, "scope": {"https://unknown.example.com/.default"}}, 400, "invalid_resource", 500011},
		{"unknown tenant", "contoso.example", url.Values{"grant_type": {"refresh_token"}, "client_id": {fixture.AzureCLI}, "refresh_token": {rt}, "scope": {"https://graph.microsoft.com/.default"}}, 400, "invalid_tenant", 90002},
		{"work account at consumers", "consumers", url.Values{"grant_type": {"refresh_token"}, "client_id": {fixture.AzureCLI}, "refresh_token": {rt}, "scope": {"https://graph.microsoft.com/.default"}}, 400, "invalid_grant", 50020},
		{"unknown grant", tid, url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:saml1_1-bearer"}, "client_id": {fixture.AzureCLI}}, 400, "unsupported_grant_type", 70003},
		{"missing refresh scope", tid, url.Values{"grant_type": {"refresh_token"}, "client_id": {fixture.AzureCLI}, "refresh_token": {rt}}, 400, "invalid_request", 900144},
		{"non-family client redeems RT", tid, url.Values{"grant_type": {"refresh_token"}, "client_id": {reader.ClientID}, "client_secret": {reader.ClientSecret}, "refresh_token": {rt}, "scope": {"https://graph.microsoft.com/.default"}}, 400, "invalid_grant", 70000},
		{"bad assertion signature", tid, assertionForm(t, reader.ClientID, fixture.OtherKey(), reader.CertificatePath, "https://login.microsoftonline.com/"+tid+"/oauth2/v2.0/token", time.Now().Add(5*time.Minute)), 401, "invalid_client", 700027},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st, body := fixture.PostForm(t, c, fixture.LoginURL(tc.tenant, "token"), tc.form)
			fixture.WantEntraError(t, st, body, tc.status, tc.err, tc.code)
		})
	}
}

func TestClientAssertionChecks(t *testing.T) {
	em, reader, tokenURL, key := certificateApp(t)
	c := em.HTTPClient()
	st, ok := fixture.PostForm(t, c, tokenURL, assertionForm(t, reader.ClientID, key, reader.CertificatePath, tokenURL, time.Now().Add(5*time.Minute)))
	if st != 200 || claimsOf(t, em, ok["access_token"].(string))["appidacr"] != "2" {
		t.Fatalf("good assertion: %d %v", st, ok)
	}
	st, body := fixture.PostForm(t, c, tokenURL, assertionForm(t, reader.ClientID, key, reader.CertificatePath, "https://login.microsoftonline.com/common/oauth2/v2.0/authorize", time.Now().Add(5*time.Minute)))
	fixture.WantEntraError(t, st, body, 401, "invalid_client", 700027)
	st, body = fixture.PostForm(t, c, tokenURL, assertionForm(t, reader.ClientID, key, reader.CertificatePath, tokenURL, time.Now().Add(-time.Hour)))
	fixture.WantEntraError(t, st, body, 401, "invalid_client", 700024)
}

// TestAssertionCertificateNames: Entra finds the certificate by x5t#S256,
// x5t, or a kid holding the SHA-1 thumbprint in hex (as several libraries
// send it, with no x5t); an assertion naming none is AADSTS5002723, whose
// text MSAL.NET's tests quote (MockHelpers.BadCredMissingSha1Error5002723).
func TestAssertionCertificateNames(t *testing.T) {
	em, reader, tokenURL, key := certificateApp(t)
	c := em.HTTPClient()
	cert, err := entra.ReadCertificate(reader.CertificatePath)
	if err != nil {
		t.Fatal(err)
	}
	sha1Sum := sha1.Sum(cert.Raw)
	hexThumb := hex.EncodeToString(sha1Sum[:])
	exp := time.Now().Add(5 * time.Minute)
	for _, header := range []map[string]string{
		{"kid": strings.ToUpper(hexThumb)},
		{"kid": hexThumb},
		{"x5t": base64.RawURLEncoding.EncodeToString(sha1Sum[:])},
	} {
		st, body := fixture.PostForm(t, c, tokenURL, assertionNamed(t, reader.ClientID, key, tokenURL, exp, header))
		if st != 200 || claimsOf(t, em, body["access_token"].(string))["appidacr"] != "2" {
			t.Fatalf("assertion with %v: %d %v", header, st, body)
		}
	}
	other := sha1.Sum([]byte("another certificate"))
	st, body := fixture.PostForm(t, c, tokenURL, assertionNamed(t, reader.ClientID, key, tokenURL, exp, map[string]string{"kid": hex.EncodeToString(other[:])}))
	fixture.WantEntraError(t, st, body, 401, "invalid_client", 700027)
	// The right kid signed with another key is still a bad signature.
	st, body = fixture.PostForm(t, c, tokenURL, assertionNamed(t, reader.ClientID, fixture.OtherKey(), tokenURL, exp, map[string]string{"kid": hexThumb}))
	fixture.WantEntraError(t, st, body, 401, "invalid_client", 700027)
	st, body = fixture.PostForm(t, c, tokenURL, assertionNamed(t, reader.ClientID, key, tokenURL, exp, nil))
	fixture.WantEntraError(t, st, body, 401, "invalid_client", 5002723)
	if d, _ := body["error_description"].(string); !strings.HasPrefix(d, "AADSTS5002723: Invalid JWT token. No certificate SHA-1 thumbprint, certificate SHA-256 thumbprint, nor keyId specified in token header.") {
		t.Fatalf("5002723 text: %q", d)
	}
}

func TestAuthorizationCodeErrors(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	c := noRedirect(em)
	verifier := strings.Repeat("a", 43)
	sum := sha256.Sum256([]byte(verifier))
	challenge := base64.RawURLEncoding.EncodeToString(sum[:])
	redeem := func(code, verifier, redirect string) (int, map[string]any) {
		return fixture.PostForm(t, c, fixture.LoginURL("organizations", "token"), url.Values{"grant_type": {"authorization_code"},
			"client_id": {fixture.AzureCLI}, "code": {code}, "redirect_uri": {redirect}, "code_verifier": {verifier},
			"scope": {"https://graph.microsoft.com/.default openid"}})
	}
	alice := em.World().User("alice")
	loc := authorizeAs(t, em, c, alice.Username, alice.Password, url.Values{"code_challenge": {challenge}})
	st, body := redeem(loc.Query().Get("code"), strings.Repeat("b", 43), "http://localhost:8400")
	fixture.WantEntraError(t, st, body, 400, "invalid_grant", 501481)

	loc = authorizeAs(t, em, c, alice.Username, alice.Password, url.Values{"code_challenge": {challenge}})
	st, body = redeem(loc.Query().Get("code"), verifier, "http://localhost:9999")
	fixture.WantEntraError(t, st, body, 400, "invalid_grant", 500112)

	// Wrong password: the sign-in page is shown again with AADSTS50126.
	resp, err := c.PostForm(fixture.LoginURL("organizations", "authorize"), url.Values{"client_id": {fixture.AzureCLI},
		"response_type": {"code"}, "redirect_uri": {"http://localhost:8400"}, "scope": {"openid"},
		"code_challenge": {challenge}, "code_challenge_method": {"S256"}, "login": {"alice"}, "passwd": {"nope"}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), "AADSTS50126") {
		t.Fatalf("bad password: %d %.200s", resp.StatusCode, page)
	}
	// Entra does not demand PKCE of a native client: no challenge, a code
	// redeemed without a verifier; a plain challenge is its own verifier
	// (learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow).
	loc = authorizeAs(t, em, c, alice.Username, alice.Password, url.Values{"code_challenge": {""}, "code_challenge_method": {""}})
	if st, body := redeem(loc.Query().Get("code"), "", "http://localhost:8400"); st != 200 {
		t.Fatalf("no PKCE: %v → %d %v", loc, st, body)
	}
	loc = authorizeAs(t, em, c, alice.Username, alice.Password, url.Values{"code_challenge": {"plain-verifier-0123456789-0123456789-0123"}, "code_challenge_method": {"plain"}})
	if st, body := redeem(loc.Query().Get("code"), "plain-verifier-0123456789-0123456789-0123", "http://localhost:8400"); st != 200 {
		t.Fatalf("plain PKCE: %v → %d %v", loc, st, body)
	}
	loc = authorizeAs(t, em, c, alice.Username, alice.Password, url.Values{"code_challenge": {challenge}, "code_challenge_method": {"S512"}})
	if loc.Query().Get("error") != "invalid_request" || !strings.Contains(loc.Query().Get("error_description"), "AADSTS9002325") {
		t.Fatalf("unknown PKCE method: %v", loc)
	}
	// A non-loopback redirect URI is refused on an error page, not redirected to.
	resp, err = c.Get(fixture.LoginURL("organizations", "authorize") + "?" + url.Values{"client_id": {fixture.AzureCLI},
		"response_type": {"code"}, "redirect_uri": {"https://evil.example.com/cb"}, "scope": {"openid"}}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(string(page), "AADSTS50011") {
		t.Fatalf("redirect mismatch: %d %.200s", resp.StatusCode, page)
	}
}

func TestDevicePollingOutcomes(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	c := em.HTTPClient()
	start := func() map[string]any {
		st, dc := fixture.PostForm(t, c, fixture.LoginURL("organizations", "devicecode"), url.Values{"client_id": {fixture.AzureCLI},
			"scope": {"https://management.core.windows.net//.default offline_access openid profile"}})
		if st != 200 || dc["interval"] != float64(5) || dc["expires_in"] != float64(900) || len(dc["user_code"].(string)) != 9 {
			t.Fatalf("devicecode: %d %v", st, dc)
		}
		return dc
	}
	poll := func(dc map[string]any, grantType string) (int, map[string]any) {
		return fixture.PostForm(t, c, fixture.LoginURL("organizations", "token"), url.Values{"grant_type": {grantType},
			"client_id": {fixture.AzureCLI}, "device_code": {dc["device_code"].(string)}})
	}
	dc := start()
	st, body := poll(dc, "device_code")
	fixture.WantEntraError(t, st, body, 400, "authorization_pending", 70016)
	// A second poll at once is still pending: Entra has not been seen
	// sending slow_down (wire-fidelity row 4).
	st, body = poll(dc, "urn:ietf:params:oauth:grant-type:device_code")
	fixture.WantEntraError(t, st, body, 400, "authorization_pending", 70016)
	if err := em.ApproveDevice(dc["user_code"].(string), "bob"); err != nil {
		t.Fatal(err)
	}
	if st, tok := poll(dc, "device_code"); st != 200 || claimsOf(t, em, tok["access_token"].(string))["upn"] != em.World().User("bob").Username {
		t.Fatalf("approved: %d %v", st, tok)
	}
	st, body = poll(dc, "device_code")
	fixture.WantEntraError(t, st, body, 400, "invalid_grant", 90120)

	// Declined on the device login page.
	dc = start()
	resp, err := c.PostForm("https://microsoft.com/devicelogin", url.Values{"otc": {dc["user_code"].(string)}, "step": {"signin"}, "action": {"decline"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	st, body = poll(dc, "device_code")
	fixture.WantEntraError(t, st, body, 400, "authorization_declined", 70000)

	// Expired.
	dc = start()
	em.Entra().ExpireDevice(dc["device_code"].(string))
	st, body = poll(dc, "device_code")
	fixture.WantEntraError(t, st, body, 400, "expired_token", 70020)

	// Approved by a person on the device login page with username and password.
	dc = start()
	alice := em.World().User("alice")
	resp, err = c.PostForm("https://microsoft.com/devicelogin", url.Values{"otc": {dc["user_code"].(string)}, "step": {"signin"},
		"action": {"approve"}, "login": {alice.Username}, "passwd": {alice.Password}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), "You have signed in") {
		t.Fatalf("device page: %.300s", page)
	}
	if st, tok := poll(dc, "device_code"); st != 200 {
		t.Fatalf("approved on page: %d %v", st, tok)
	}
}

func TestRevokedRefreshToken(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	rt := deviceLogin(t, em, fixture.AzureCLI, "https://management.core.windows.net//.default offline_access")["refresh_token"].(string)
	em.RevokeRefreshTokens("alice")
	st, body := fixture.PostForm(t, em.HTTPClient(), fixture.LoginURL("organizations", "token"), url.Values{"grant_type": {"refresh_token"},
		"client_id": {fixture.AzureCLI}, "refresh_token": {rt}, "scope": {"https://graph.microsoft.com/.default"}})
	fixture.WantEntraError(t, st, body, 400, "invalid_grant", 50173)
	// A login after the revocation works again.
	rt = deviceLogin(t, em, fixture.AzureCLI, "https://management.core.windows.net//.default offline_access")["refresh_token"].(string)
	if st, _ := fixture.PostForm(t, em.HTTPClient(), fixture.LoginURL("organizations", "token"), url.Values{"grant_type": {"refresh_token"},
		"client_id": {fixture.AzureCLI}, "refresh_token": {rt}, "scope": {"https://graph.microsoft.com/.default"}}); st != 200 {
		t.Fatalf("fresh RT after revocation: %d", st)
	}
}

func TestUnknownTenantDiscovery(t *testing.T) {
	em := startEmulator(t, emulator.Config{})
	st, body := fixture.GetJSON(t, em.HTTPClient(), "https://login.microsoftonline.com/00000000-1111-2222-3333-444444444444/v2.0/.well-known/openid-configuration")
	fixture.WantEntraError(t, st, body, 400, "invalid_tenant", 90002)
}

// certificateApp starts an emulator and returns its seeded app that signs in
// with a certificate (Apps[1]), the tenant's v2 token endpoint and the app's
// private key, to sign client assertions with.
func certificateApp(t *testing.T) (*emulator.Emulator, world.App, string, *rsa.PrivateKey) {
	t.Helper()
	em := startEmulator(t, emulator.Config{})
	app := em.World().Apps[1]
	return em, app, "https://login.microsoftonline.com/" + em.World().TenantID + "/oauth2/v2.0/token", readKey(t, app.KeyPath)
}

// readKey reads an app's PEM private key.
func readKey(t *testing.T, path string) *rsa.PrivateKey {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	k, err := jwt.ParseRSAPrivateKeyFromPEM(data)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// assertionForm builds a client_credentials request with a PS256 assertion
// whose x5t#S256 names the registered certificate, as MSAL does.
func assertionForm(t *testing.T, clientID string, key *rsa.PrivateKey, certPath, aud string, exp time.Time) url.Values {
	t.Helper()
	cert, err := entra.ReadCertificate(certPath)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(cert.Raw)
	return assertionNamed(t, clientID, key, aud, exp, map[string]string{"x5t#S256": base64.RawURLEncoding.EncodeToString(sum[:])})
}

// assertionNamed builds the request with an assertion whose header names
// its certificate with the given fields (x5t, x5t#S256, kid, or none).
func assertionNamed(t *testing.T, clientID string, key *rsa.PrivateKey, aud string, exp time.Time, header map[string]string) url.Values {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodPS256, jwt.MapClaims{"aud": aud, "iss": clientID, "sub": clientID,
		"jti": wire.RandomGUID(), "nbf": time.Now().Add(-2 * time.Hour).Unix(), "exp": exp.Unix()})
	for k, v := range header {
		tok.Header[k] = v
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID}, "scope": {"https://graph.microsoft.com/.default"},
		"client_assertion_type": {entra.AssertionType}, "client_assertion": {s}}
}
