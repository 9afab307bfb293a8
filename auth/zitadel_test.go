package auth

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// An OpenID provider this project did not write (zitadel/oidc's pkg/op
// with its example storage), started in-process, checks azrepl's generic
// OAuth code: device polling, PKCE auth code, refresh, client credentials.

type zitadelOP struct {
	srv       *httptest.Server
	st        *storage.Storage
	discovery struct {
		Authorization string `json:"authorization_endpoint"`
		Token         string `json:"token_endpoint"`
		Device        string `json:"device_authorization_endpoint"`
	}
}

func startZitadel(t *testing.T) *zitadelOP {
	t.Helper()
	z := &zitadelOP{}
	mux := http.NewServeMux()
	z.srv = httptest.NewServer(mux)
	t.Cleanup(z.srv.Close)
	issuer := z.srv.URL
	storage.RegisterClients(
		storage.NativeClient("azrepl-native", "http://localhost"),
		storage.DeviceClient("azrepl-device", "device-secret"),
	)
	z.st = storage.NewStorage(storage.NewUserStore(issuer))
	cfg := &op.Config{
		CryptoKey:             sha256.Sum256([]byte("azrepl test key")),
		CodeMethodS256:        true,
		AuthMethodPost:        true,
		GrantTypeRefreshToken: true,
		DeviceAuthorization: op.DeviceAuthorizationConfig{
			Lifetime: 5 * time.Minute, PollInterval: time.Second, UserFormPath: "/device", UserCode: op.UserCodeBase20,
		},
	}
	provider, err := op.NewProvider(cfg, z.st, op.StaticIssuer(issuer), op.WithAllowInsecure())
	if err != nil {
		t.Fatal(err)
	}
	// The example's login page, reduced to what a person does: the OP
	// sends the browser to /login/username?authRequestID=..., the person
	// posts a username and password, and is sent back to the OP.
	mux.HandleFunc("/login/username", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		id := r.Form.Get("authRequestID")
		if r.Method == http.MethodGet {
			w.Header().Set("Content-Type", "text/html")
			_, _ = io.WriteString(w, `<form method="post"><input type="hidden" name="authRequestID" value="`+id+`">`)
			return
		}
		if err := z.st.CheckUsernamePassword(r.Form.Get("username"), r.Form.Get("password"), id); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		http.Redirect(w, r, op.AuthCallbackURL(provider)(op.ContextWithIssuer(r.Context(), issuer), id), http.StatusFound)
	})
	mux.Handle("/", provider)
	resp, err := http.Get(issuer + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&z.discovery); err != nil {
		t.Fatal(err)
	}
	return z
}

// person signs in on the OP's pages with a cookie jar and lands on the
// loopback listener.
func (z *zitadelOP) person(t *testing.T, username, password string) func(string) error {
	return func(authURL string) error {
		go func() {
			jar, _ := cookiejar.New(nil)
			c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
			resp, err := c.Get(authURL) // follows to the login page
			if err != nil {
				t.Errorf("authorize: %v", err)
				return
			}
			resp.Body.Close()
			id := resp.Request.URL.Query().Get("authRequestID")
			resp, err = c.PostForm(z.srv.URL+"/login/username", url.Values{"authRequestID": {id}, "username": {username}, "password": {password}})
			if err != nil {
				t.Errorf("login: %v", err) // the redirect to http://localhost:PORT is followed by the client
				return
			}
			resp.Body.Close()
		}()
		return nil
	}
}

func TestZitadelAuthCodePKCEAndRefresh(t *testing.T) {
	z := startZitadel(t)
	user := "test-user@127.0.0.1"
	r := AuthCodeRequest{AuthorizeURL: z.discovery.Authorization, TokenURL: z.discovery.Token, ClientID: "azrepl-native",
		Scope: "openid profile offline_access", Nonce: true, Timeout: 20 * time.Second, OpenURL: z.person(t, user, "verysecure")}
	tr, err := AuthCodeFlow(context.Background(), nil, r)
	if err != nil {
		t.Fatal(err)
	}
	if tr.AccessToken == "" || tr.RefreshToken == "" || tr.IDToken == "" {
		t.Fatalf("token response: %+v", tr)
	}
	idt, _ := DecodeJWT(tr.IDToken)
	if idt.StringClaim("sub") != "id1" {
		t.Fatalf("id_token claims: %v", idt.Claims)
	}
	next, err := RefreshToken(context.Background(), nil, z.discovery.Token, "azrepl-native", tr.RefreshToken, "openid offline_access", nil)
	if err != nil {
		t.Fatal(err)
	}
	if next.AccessToken == "" || next.AccessToken == tr.AccessToken {
		t.Fatal("refresh gave no new access token")
	}
	// The OP rotates refresh tokens: the used one is now refused, typed.
	_, err = RefreshToken(context.Background(), nil, z.discovery.Token, "azrepl-native", tr.RefreshToken, "", nil)
	var ee *EntraError
	if !errors.As(err, &ee) || ee.Err != "invalid_grant" {
		t.Fatalf("reused refresh token: %v", err)
	}
}

func TestZitadelWrongPasswordNeverReachesListener(t *testing.T) {
	z := startZitadel(t)
	r := AuthCodeRequest{AuthorizeURL: z.discovery.Authorization, TokenURL: z.discovery.Token, ClientID: "azrepl-native",
		Scope: "openid", Timeout: 300 * time.Millisecond, OpenURL: z.person(t, "test-user@127.0.0.1", "wrong")}
	if _, err := AuthCodeFlow(context.Background(), nil, r); err == nil || !strings.Contains(err.Error(), "within") {
		t.Fatalf("got %v", err)
	}
}

func TestZitadelDeviceCode(t *testing.T) {
	z := startZitadel(t)
	r := DeviceCodeRequest{DeviceCodeURL: z.discovery.Device, TokenURL: z.discovery.Token,
		ClientID: "azrepl-device", ClientSecret: "device-secret", Scope: "openid profile"}
	polls, userCode := 0, ""
	r.OnCode = func(dc DeviceCode) {
		userCode = dc.UserCode
		if dc.UserCode == "" || dc.VerificationURI == "" || dc.Interval != time.Second {
			t.Errorf("device code: %+v", dc)
		}
	}
	r.OnPoll = func(time.Duration) {
		polls++
		if polls == 2 { // one authorization_pending answer seen: the person approves
			_ = z.st.CompleteDeviceAuthorization(context.Background(), userCode, "id1")
		}
	}
	tr, err := DeviceCodeFlow(context.Background(), nil, r)
	if err != nil {
		t.Fatal(err)
	}
	if tr.AccessToken == "" || polls < 2 {
		t.Fatalf("token %+v after %d polls", tr, polls)
	}
}

func TestZitadelClientCredentials(t *testing.T) {
	z := startZitadel(t)
	tr, err := ClientSecretToken(context.Background(), nil, z.discovery.Token, "sid1", "verysecret", "openid")
	if err != nil {
		t.Fatal(err)
	}
	if tr.AccessToken == "" || tr.RefreshToken != "" {
		t.Fatalf("%+v", tr)
	}
	_, err = ClientSecretToken(context.Background(), nil, z.discovery.Token, "sid1", "bad-secret", "openid")
	var ee *EntraError
	if !errors.As(err, &ee) || strings.Contains(err.Error(), "bad-secret") {
		t.Fatalf("bad secret: %v", err)
	}
}
