package auth

import (
	"context"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/emulatortest"
)

// The API app (signed in with its secret) trades the token a user sent it
// for a Graph token as that user; bob never consented: 65001, one line.
func TestOnBehalfOf(t *testing.T) {
	e := startEmulator(t, emulator.Config{})
	api := emulatortest.App(t, e, "api-app")
	ctx := context.Background()
	userToken := func(u emulator.User) string {
		s := emulatorSession(t, e, nil, nil)
		if _, err := s.Login(ctx, LoginOptions{Flow: FlowPassword, Username: u.Username, Password: u.Password}); err != nil {
			t.Fatal(err)
		}
		tok, err := s.Token(ctx, "api://"+api.ClientID+"/access_as_user", TokenOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return tok.AccessToken
	}
	alice, bob := e.World().Users[0], e.World().Users[1]
	s := emulatorSession(t, e, nil, nil)
	if _, err := s.Login(ctx, LoginOptions{Flow: FlowSecret, Tenant: e.World().TenantID, ClientID: api.ClientID, ClientSecret: api.ClientSecret}); err != nil {
		t.Fatal(err)
	}
	tok, err := s.Token(ctx, "https://graph.microsoft.com/User.Read", TokenOptions{OnBehalfOf: userToken(alice)})
	if err != nil {
		t.Fatal(err)
	}
	if tok.Claims["upn"] != alice.Username || tok.Claims["appid"] != api.ClientID || tok.Account.Username != alice.Username || tok.FromCache {
		t.Errorf("OBO token claims %v account %+v", tok.Claims, tok.Account)
	}
	_, err = s.Token(ctx, "https://graph.microsoft.com/User.Read", TokenOptions{OnBehalfOf: userToken(bob)})
	if err == nil || !strings.HasPrefix(err.Error(), "on-behalf-of: the user has not consented to the downstream permission for this API app (AADSTS65001)") || strings.Contains(err.Error(), "\n") {
		t.Errorf("bob: %v", err)
	}
	// A token for another audience is not an assertion for this API.
	graphTok, err := s.Token(ctx, "https://graph.microsoft.com/.default", TokenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Token(ctx, "https://graph.microsoft.com/User.Read", TokenOptions{OnBehalfOf: graphTok.AccessToken})
	if err == nil || strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), graphTok.AccessToken) {
		t.Errorf("wrong audience: %v", err)
	}
	t.Logf("wrong audience: %v", err)
	_, err = s.Token(ctx, "https://graph.microsoft.com/User.Read", TokenOptions{OnBehalfOf: "not a jwt"})
	if err == nil || !strings.Contains(err.Error(), "the assertion is not a JWT") {
		t.Errorf("not a JWT: %v", err)
	}
	// A user login cannot do OBO.
	us := emulatorSession(t, e, nil, nil)
	if _, err := us.Login(ctx, LoginOptions{Flow: FlowPassword, Username: alice.Username, Password: alice.Password}); err != nil {
		t.Fatal(err)
	}
	if _, err := us.Token(ctx, "https://graph.microsoft.com/User.Read", TokenOptions{OnBehalfOf: graphTok.AccessToken}); err == nil || !strings.Contains(err.Error(), "on-behalf-of needs an app login") {
		t.Errorf("user login: %v", err)
	}
}
