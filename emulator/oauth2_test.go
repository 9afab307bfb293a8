package emulator

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/fixture"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// Go's x/oauth2, a client this project did not write, gets an app token
// with the secret in the body (client_secret_post) and in an HTTP Basic
// header with no client_id in the body (client_secret_basic): Entra
// advertises and accepts both.
func TestXOAuth2ClientCredentials(t *testing.T) {
	em := startEmulator(t, Config{})
	reader := em.World().Apps[1]
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ctx = context.WithValue(ctx, oauth2.HTTPClient, em.HTTPClient())
	for name, style := range map[string]oauth2.AuthStyle{"post": oauth2.AuthStyleInParams, "basic": oauth2.AuthStyleInHeader} {
		t.Run(name, func(t *testing.T) {
			cfg := clientcredentials.Config{ClientID: reader.ClientID, ClientSecret: reader.ClientSecret,
				TokenURL: fixture.LoginURL(em.World().TenantID, "token"), Scopes: []string{"https://graph.microsoft.com/.default"},
				AuthStyle: style}
			tok, err := cfg.Token(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if c := claimsOf(t, em, tok.AccessToken); c["appid"] != reader.ClientID || c["aud"] != "https://graph.microsoft.com" {
				t.Fatalf("claims %v", c)
			}
			cfg.ClientSecret = "wrong"
			if _, err := cfg.Token(ctx); err == nil || !strings.Contains(err.Error(), "7000215") {
				t.Fatalf("a wrong secret: %v", err)
			}
		})
	}
}

// Basic credentials name the client when the body does not, and must agree
// with client_id when it does.
func TestBasicCredentialsNameTheClient(t *testing.T) {
	em := startEmulator(t, Config{})
	reader := em.World().Apps[1]
	u := fixture.LoginURL(em.World().TenantID, "token")
	send := func(form url.Values, user, pass string) (int, map[string]any) {
		req, err := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(url.QueryEscape(user), url.QueryEscape(pass))
		resp, err := em.HTTPClient().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		return resp.StatusCode, fixture.DecodeJSON(t, resp.Body)
	}
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {"https://graph.microsoft.com/.default"}}
	if st, body := send(form, reader.ClientID, reader.ClientSecret); st != 200 || body["access_token"] == nil {
		t.Fatalf("Basic without client_id: %d %v", st, body)
	}
	form.Set("client_id", em.World().Apps[0].ClientID)
	st, body := send(form, reader.ClientID, reader.ClientSecret)
	fixture.WantEntraError(t, st, body, 401, "invalid_client", 700016)
}
