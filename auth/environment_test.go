package auth

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/azrepl/azrepl/internal/hostilenet"
)

// anyAuthority answers as Entra at every host name through hostilenet's
// proxy: device codes approved at once, user tokens whose refresh token
// names the host that issued it (RT-<host>-<n>), app tokens for a secret.
func anyAuthority(t *testing.T) *hostilenet.Server {
	var mu sync.Mutex
	n := 0
	return hostilenet.New(t, func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		mu.Lock()
		n++
		rt := "RT-" + r.Host + "-" + itoa(n)
		mu.Unlock()
		switch {
		case strings.HasSuffix(r.URL.Path, "/oauth2/v2.0/devicecode"):
			writeJSON(w, 200, map[string]any{"user_code": "ABC", "device_code": "dc", "verification_uri": "https://microsoft.com/devicelogin",
				"expires_in": 900, "interval": 1, "message": "enter ABC"})
		case strings.HasSuffix(r.URL.Path, "/token") && r.PostForm.Get("grant_type") == "client_credentials":
			writeJSON(w, 200, map[string]any{"token_type": "Bearer", "expires_in": 3599,
				"access_token": fakeJWT(t, map[string]any{"aud": "https://management.core.windows.net/", "tid": testTID, "appid": "app-1", "oid": "sp-1"})})
		case strings.HasSuffix(r.URL.Path, "/token"):
			b := userTokenBody(t, "https://graph.microsoft.com/", "https://graph.microsoft.com/.default", rt, true)
			if strings.HasSuffix(r.URL.Path, "/oauth2/token") {
				b["resource"] = r.PostForm.Get("resource")
			}
			writeJSON(w, 200, b)
		default:
			http.NotFound(w, r)
		}
	})
}

// victimClient trusts the hostile network's CA and goes through its proxy;
// like azrepl's token client it follows no redirect.
func victimClient(hs *hostilenet.Server) *http.Client {
	proxy, _ := url.Parse(hs.Proxy.URL)
	return &http.Client{
		Transport:     &http.Transport{Proxy: http.ProxyURL(proxy), TLSClientConfig: &tls.Config{RootCAs: hs.Pool}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// sessionAt is a Session on home whose authority host is host ("" = the
// public cloud) through the hostile proxy.
func sessionAt(t *testing.T, hs *hostilenet.Server, home, host string, env map[string]string) *Session {
	t.Helper()
	e := map[string]string{"AZURE_AUTHORITY_HOST": host}
	for k, v := range env {
		e[k] = v
	}
	s, err := NewSession(Config{HTTP: victimClient(hs), Home: home, Getenv: func(k string) string { return e[k] }})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// credentialsTo lists the requests to host that carried a refresh token,
// a secret or an assertion.
func credentialsTo(hs *hostilenet.Server, host string) []string {
	var out []string
	for _, r := range hs.Requests() {
		if r.Host == host && (strings.Contains(r.Body, "RT-") || strings.Contains(r.Body, "client_secret") || strings.Contains(r.Body, "assertion")) {
			out = append(out, r.Method+" "+r.URL()+" "+r.Body)
		}
	}
	return out
}

func TestTokensStayWithTheAuthorityThatIssuedThem(t *testing.T) {
	ctx := context.Background()
	hs := anyAuthority(t)
	home := t.TempDir()
	public := sessionAt(t, hs, home, "", nil)
	loginDevice(t, public)
	if _, err := public.Login(ctx, LoginOptions{Flow: FlowSecret, Tenant: testTID, ClientID: "app-1", ClientSecret: "app-secret"}); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(filepath.Join(home, "tokens.json"))
	if err != nil {
		t.Fatal(err)
	}

	other := sessionAt(t, hs, home, "https://other.example", map[string]string{"AZURE_CLIENT_ID": "app-1", "AZURE_CLIENT_SECRET": "app-secret"})
	user := "alice@contoso.test"
	assertion := fakeJWT(t, map[string]any{"aud": "app-1", "tid": testTID, "oid": testOID})
	for name, get := range map[string]func() error{
		"token --force": func() error {
			_, err := other.Token(ctx, "https://graph.microsoft.com", TokenOptions{Account: user, Force: true})
			return err
		},
		"token (cached)": func() error { _, err := other.Token(ctx, "", TokenOptions{Account: user}); return err },
		"token v1": func() error {
			_, err := other.Token(ctx, "https://graph.microsoft.com", TokenOptions{Account: user, V1: true, Force: true})
			return err
		},
		"default account": func() error {
			_, err := other.Token(ctx, "https://graph.microsoft.com", TokenOptions{Force: true})
			return err
		},
		"on-behalf-of": func() error {
			_, err := other.Token(ctx, "https://graph.microsoft.com", TokenOptions{Account: "app-1", OnBehalfOf: assertion})
			return err
		},
		"databricks azure": func() error {
			_, _, err := other.DatabricksToken(ctx, DatabricksOptions{Host: "https://adb-1.2.azuredatabricks.net", Flow: "azure", Force: true})
			return err
		},
	} {
		err := get()
		if !errors.Is(err, ErrLoginNeeded) {
			t.Fatalf("%s at another authority: want a login asked for, got %v", name, err)
		}
		if msg := err.Error(); !strings.Contains(msg, "login.microsoftonline.com") || !strings.Contains(msg, "other.example") || strings.Contains(msg, "\n") {
			t.Errorf("%s: want one line naming both authorities, got %q", name, msg)
		}
	}
	if leaked := credentialsTo(hs, "other.example"); len(leaked) > 0 {
		t.Fatalf("credentials of login.microsoftonline.com sent to other.example: %q", leaked)
	}
	if after, _ := os.ReadFile(filepath.Join(home, "tokens.json")); string(after) != string(before) {
		t.Fatal("tokens.json changed by refused requests")
	}

	// A login at the other authority: its tokens are saved and used there,
	// and the first authority's account keeps working where it was issued.
	loginDevice(t, other)
	tok, err := other.Token(ctx, "https://graph.microsoft.com", TokenOptions{Account: user, Force: true})
	if err != nil || tok.FromCache || tok.Account.Environment != "other.example" {
		t.Fatalf("token at other.example after its login: %+v, %v", tok, err)
	}
	if tok, err = public.Token(ctx, "https://graph.microsoft.com", TokenOptions{Account: user, Force: true}); err != nil || tok.Account.Environment != "login.microsoftonline.com" {
		t.Fatalf("token at login.microsoftonline.com after the other login: %+v, %v", tok, err)
	}
	for _, r := range hs.Requests() {
		if strings.Contains(r.Body, "refresh_token=RT-") && !strings.Contains(r.Body, "refresh_token=RT-"+r.Host+"-") {
			t.Errorf("a refresh token went to another host than its issuer: %s %s", r.URL(), r.Body)
		}
	}
	d, err := other.cache.read()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range d.AccessTokens {
		if strings.HasPrefix(e.Secret, "eyJ") && e.Environment != "other.example" && e.Environment != "login.microsoftonline.com" {
			t.Errorf("access token saved under %q", e.Environment)
		}
	}
	if _, ok := d.freshAccess("other.example", testTID, AzureCLIClientID, testOID+"."+testTID, "https://graph.microsoft.com/.default"); !ok {
		t.Error("the other.example answer is not saved under other.example")
	}
}

// A tokens.json written before environments were checked keeps working: its
// keys already name the authority host.
func TestTokensJSONFromBeforeKeepsWorking(t *testing.T) {
	hs := anyAuthority(t)
	home := t.TempDir()
	const hid = testOID + "." + testTID
	cache := `{"version": 1, "default": "login.microsoftonline.com|` + hid + `|` + AzureCLIClientID + `",
  "accounts": {"login.microsoftonline.com|` + hid + `|` + AzureCLIClientID + `": {"username": "alice@contoso.test", "tenantId": "` + testTID + `",
    "objectId": "` + testOID + `", "clientId": "` + AzureCLIClientID + `", "homeAccountId": "` + hid + `", "flow": "device",
    "authority": "https://login.microsoftonline.com/organizations", "tenant": "organizations", "environment": "login.microsoftonline.com"}},
  "accessTokens": {},
  "refreshTokens": {"login.microsoftonline.com|` + hid + `|` + AzureCLIClientID + `": {"environment": "login.microsoftonline.com",
    "homeAccountId": "` + hid + `", "clientId": "` + AzureCLIClientID + `", "familyId": "1", "secret": "RT-login.microsoftonline.com-0", "updatedAt": 1}}}`
	if err := os.WriteFile(filepath.Join(home, "tokens.json"), []byte(cache), 0o600); err != nil {
		t.Fatal(err)
	}
	tok, err := sessionAt(t, hs, home, "", nil).Token(context.Background(), "https://graph.microsoft.com", TokenOptions{})
	if err != nil || tok.FromCache {
		t.Fatalf("old cache at its authority: %+v, %v", tok, err)
	}
	if _, err := sessionAt(t, hs, home, "other.example", nil).Token(context.Background(), "https://graph.microsoft.com", TokenOptions{}); !errors.Is(err, ErrLoginNeeded) {
		t.Fatalf("old cache at another authority: %v", err)
	}
	if leaked := credentialsTo(hs, "other.example"); len(leaked) > 0 {
		t.Fatalf("sent to other.example: %q", leaked)
	}
}
