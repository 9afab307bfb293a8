package auth

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/emulatortest"
)

// These tests run azrepl's auth against the project's emulator, over TLS
// through its CONNECT proxy, with the real cloud host names.

func startEmulator(t *testing.T, cfg emulator.Config) *emulator.Emulator {
	t.Helper()
	if cfg.Groups == 0 {
		cfg.Groups = 5
	}
	return emulatortest.Start(t, cfg)
}

func emulatorSession(t *testing.T, e *emulator.Emulator, env map[string]string, openURL func(string) error) *Session {
	t.Helper()
	s, err := NewSession(Config{HTTP: e.HTTPClient(), Home: t.TempDir(), OpenURL: openURL, BrowserTimeout: 30 * time.Second,
		Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// aliceLoggedIn is an emulator whose device codes alice approves and a
// session logged in there by device code, azrepl's default login; set, when
// not nil, changes the session's Config first.
func aliceLoggedIn(t *testing.T, set func(*Config)) (*emulator.Emulator, *Session) {
	t.Helper()
	e := startEmulator(t, emulator.Config{ApproveAfter: time.Second, ApproveAs: "alice"})
	s := emulatorSession(t, e, nil, nil)
	s.cfg.OnDeviceCode = func(DeviceCode) {}
	if set != nil {
		set(&s.cfg)
	}
	if _, err := s.Login(context.Background(), LoginOptions{}); err != nil {
		t.Fatal(err)
	}
	return e, s
}

// loginFails is the error of a login that must fail, which must be one
// line containing want.
func loginFails(t *testing.T, e *emulator.Emulator, env map[string]string, o LoginOptions, want string) string {
	t.Helper()
	_, err := emulatorSession(t, e, env, nil).Login(context.Background(), o)
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	if !strings.Contains(msg, want) || strings.Contains(msg, "\n") {
		t.Errorf("error %q, want one line with %q", msg, want)
	}
	return msg
}

var (
	formAction  = regexp.MustCompile(`<form[^>]*action="([^"]*)"`)
	hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

// signIn is a person in a browser: it opens the sign-in page, fills in the
// form, follows the redirect back to azrepl's loopback listener.
func signIn(t *testing.T, e *emulator.Emulator, fields url.Values) func(string) error {
	return inBrowser(t, func(authURL string) error { return browse(e, authURL, fields) })
}

// inBrowser opens each URL azrepl hands to the browser as a person's
// browser does, in the background while azrepl waits; the test fails if
// visit does not get through.
func inBrowser(t *testing.T, visit func(authURL string) error) func(string) error {
	return func(authURL string) error {
		go func() {
			if err := visit(authURL); err != nil {
				t.Errorf("browser: %v", err)
			}
		}()
		return nil
	}
}

// newBrowser is a browser at the emulator: it keeps cookies and leaves each
// redirect to the caller to follow.
func newBrowser(e *emulator.Emulator) *http.Client {
	jar, _ := cookiejar.New(nil)
	c := e.HTTPClient()
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

// pageForm reads a sign-in page's form: the URL it posts to (resolved
// against authURL) and its hidden fields; ok is false for a page without one.
func pageForm(authURL string, page []byte) (action string, form url.Values, ok bool) {
	m := formAction.FindSubmatch(page)
	if m == nil {
		return "", nil, false
	}
	u, _ := url.Parse(authURL)
	u, _ = u.Parse(html.UnescapeString(string(m[1])))
	form = url.Values{}
	for _, h := range hiddenInput.FindAllSubmatch(page, -1) {
		form.Set(html.UnescapeString(string(h[1])), html.UnescapeString(string(h[2])))
	}
	return u.String(), form, true
}

// backToLoopback follows the sign-in's redirect to http://localhost:PORT,
// which the browser reaches directly, not through the cloud proxy.
func backToLoopback(loc string) (*http.Response, error) {
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(strings.Replace(loc, "//localhost:", "//127.0.0.1:", 1))
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	return resp, nil
}

func browse(e *emulator.Emulator, authURL string, fields url.Values) error {
	c := newBrowser(e)
	resp, err := c.Get(authURL)
	if err != nil {
		return err
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	action, form, ok := pageForm(authURL, page)
	if !ok {
		return fmt.Errorf("no sign-in form (HTTP %d): %.300s", resp.StatusCode, page)
	}
	for k, v := range fields {
		form[k] = v
	}
	resp, err = c.PostForm(action, form)
	if err != nil {
		return err
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if loc == "" {
		return fmt.Errorf("sign-in answered HTTP %d without a redirect", resp.StatusCode)
	}
	resp, err = backToLoopback(loc)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("loopback answered HTTP %d", resp.StatusCode)
	}
	return nil
}

func TestEmulatorDeviceCodeThenResources(t *testing.T) {
	e := startEmulator(t, emulator.Config{ApproveAfter: time.Second, ApproveAs: "alice"})
	s := emulatorSession(t, e, nil, nil)
	var shown DeviceCode
	s.cfg.OnDeviceCode = func(dc DeviceCode) { shown = dc }
	ctx := context.Background()
	a, err := s.Login(ctx, LoginOptions{})
	if err != nil {
		t.Fatal(err)
	}
	w := e.World()
	if a.Username != w.Users[0].Username || a.TenantID != w.TenantID || a.ObjectID != w.Users[0].ObjectID || a.ClientID != AzureCLIClientID {
		t.Fatalf("account %+v, world user %+v", a, w.Users[0])
	}
	if !strings.Contains(shown.Message, shown.UserCode) {
		t.Fatalf("device message: %q", shown.Message)
	}
	for _, c := range []struct{ scope, aud string }{
		{"", "https://management.core.windows.net/"},
		{"https://graph.microsoft.com/.default", "https://graph.microsoft.com"},
		{DatabricksEntraScope, DatabricksResourceID},
	} {
		tok, err := s.Token(ctx, c.scope, TokenOptions{})
		if err != nil {
			t.Fatalf("%q: %v", c.scope, err)
		}
		if strings.TrimSuffix(tok.Audience, "/") != strings.TrimSuffix(c.aud, "/") || tok.Claims["tid"] != w.TenantID {
			t.Fatalf("%q: audience %q, claims %v", c.scope, tok.Audience, tok.Claims)
		}
	}
	// FOCI: Azure PowerShell redeems the Azure CLI's family refresh token.
	tok, err := s.Token(ctx, "https://graph.microsoft.com/.default", TokenOptions{ClientID: psClient})
	if err != nil {
		t.Fatal(err)
	}
	if tok.Claims["appid"] != psClient && tok.Claims["azp"] != psClient {
		t.Fatalf("FOCI token claims: %v", tok.Claims)
	}
	// Databricks with an Entra token ("azure" flow).
	db, _, err := s.DatabricksToken(ctx, DatabricksOptions{Host: w.Databricks.Host, Flow: "azure"})
	if err != nil || db.Audience != DatabricksResourceID {
		t.Fatalf("databricks azure: %v %+v", err, db)
	}
	// Revoked refresh tokens: the error says to log in again.
	e.RevokeRefreshTokens(w.Users[0].Name)
	_, err = s.Token(ctx, "https://storage.azure.com/.default", TokenOptions{})
	var ee *EntraError
	if !errors.As(err, &ee) || !strings.Contains(err.Error(), "log in again") {
		t.Fatalf("revoked: %v", err)
	}
}

func TestEmulatorSecretAndCertificate(t *testing.T) {
	e := startEmulator(t, emulator.Config{Dir: t.TempDir()})
	w := e.World()
	story, reader := emulatortest.App(t, e, "story-app"), emulatortest.App(t, e, "reader-app")
	ctx := context.Background()
	s := emulatorSession(t, e, map[string]string{"AZURE_TENANT_ID": w.TenantID, "AZURE_CLIENT_ID": story.ClientID}, nil)
	_, err := s.Login(ctx, LoginOptions{Flow: FlowSecret, ClientSecret: "not-the-secret"})
	var ee *EntraError
	if !errors.As(err, &ee) || ee.Err != "invalid_client" || ee.HTTPStatus != 401 {
		t.Fatalf("bad secret: %v", err)
	}
	a, err := s.Login(ctx, LoginOptions{Flow: FlowSecret, ClientSecret: story.ClientSecret, Scope: "https://graph.microsoft.com/.default"})
	if err != nil {
		t.Fatal(err)
	}
	if a.TenantID != w.TenantID || a.ClientID != story.ClientID {
		t.Fatalf("%+v", a)
	}
	if _, err := s.Token(ctx, "https://graph.microsoft.com/.default https://management.core.windows.net//.default", TokenOptions{}); !errors.As(err, &ee) || ee.Err != "invalid_scope" {
		t.Fatalf("mixed scope: %v", err)
	}
	if reader.CertificatePath == "" {
		t.Fatal("the emulator wrote no certificate for reader-app")
	}
	for _, alg := range []string{"PS256", "RS256"} {
		s2 := emulatorSession(t, e, nil, nil)
		a, err = s2.Login(ctx, LoginOptions{Flow: FlowCertificate, Tenant: w.TenantID, ClientID: reader.ClientID, Alg: alg,
			CertificatePath: []string{reader.CertificatePath, reader.KeyPath},
			Scope:           "https://graph.microsoft.com/.default"})
		if err != nil {
			t.Fatalf("%s: %v", alg, err)
		}
		if a.Flow != FlowCertificate || a.ClientID != reader.ClientID || a.TenantID != w.TenantID {
			t.Fatalf("%s: account %+v", alg, a)
		}
		tok, err := s2.Token(ctx, "https://graph.microsoft.com/.default", TokenOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if roles, _ := tok.Claims["roles"].([]any); len(roles) == 0 {
			t.Fatalf("%s: app token without roles: %v", alg, tok.Claims)
		}
	}
}

func TestEmulatorBrowserLogin(t *testing.T) {
	e := startEmulator(t, emulator.Config{})
	u := e.World().Users[1]
	s := emulatorSession(t, e, nil, signIn(t, e, url.Values{"login": {u.Username}, "passwd": {u.Password}, "action": {"signin"}}))
	a, err := s.Login(context.Background(), LoginOptions{Flow: FlowBrowser})
	if err != nil {
		t.Fatal(err)
	}
	if a.Username != u.Username || a.Flow != FlowBrowser || a.ObjectID != u.ObjectID {
		t.Fatalf("%+v", a)
	}
	if _, err := s.Token(context.Background(), "https://graph.microsoft.com/.default", TokenOptions{}); err != nil {
		t.Fatal(err)
	}
}

func TestEmulatorDatabricksU2MAndM2M(t *testing.T) {
	e := startEmulator(t, emulator.Config{})
	w := e.World()
	u := w.Users[0]
	s := emulatorSession(t, e, map[string]string{"DATABRICKS_HOST": w.Databricks.Host},
		signIn(t, e, url.Values{"username": {u.Username}, "password": {u.Password}}))
	ctx := context.Background()
	tok, cfg, err := s.DatabricksToken(ctx, DatabricksOptions{Flow: "u2m"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Host != "https://"+w.Databricks.Host || tok.AccessToken == "" || tok.FromCache {
		t.Fatalf("u2m: %+v %+v", cfg, tok)
	}
	again, _, err := s.DatabricksToken(ctx, DatabricksOptions{})
	if err != nil || !again.FromCache {
		t.Fatalf("u2m cached: %v", err)
	}
	// Force: redeemed with the refresh token, no browser (OpenURL would fail the test).
	s.cfg.OpenURL = func(string) error { t.Error("browser opened for a refresh"); return nil }
	forced, _, err := s.DatabricksToken(ctx, DatabricksOptions{Force: true})
	if err != nil || forced.FromCache || forced.AccessToken == tok.AccessToken {
		t.Fatalf("u2m refresh: %v", err)
	}
	sp := w.Databricks.ServicePrincipal
	m2m, _, err := s.DatabricksToken(ctx, DatabricksOptions{ClientID: sp.ClientID, ClientSecret: sp.ClientSecret})
	if err != nil || m2m.ClientID != sp.ClientID {
		t.Fatalf("m2m: %v", err)
	}
	_, _, err = s.DatabricksToken(ctx, DatabricksOptions{ClientID: sp.ClientID, ClientSecret: "wrong", Force: true})
	var ee *EntraError
	if !errors.As(err, &ee) || ee.Err != "invalid_client" || strings.Contains(err.Error(), "wrong") {
		t.Fatalf("m2m bad secret: %v", err)
	}
}
