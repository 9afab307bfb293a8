package auth

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// CAE end to end: a CP1 session's Graph token is refused after the user's
// sessions are revoked; redeeming the challenge fails with one
// INTERACTION_REQUIRED line naming the login; after that login it works.
func TestEmulatorCAERevocation(t *testing.T) {
	e, s := aliceLoggedIn(t, func(c *Config) { c.SendClaims = true })
	ctx := context.Background()
	const scope = "https://graph.microsoft.com/.default"
	groups := func(tok string) *http.Response {
		req, _ := http.NewRequest("GET", "https://graph.microsoft.com/v1.0/groups", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := e.HTTPClient().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	tok, err := s.Token(ctx, scope, TokenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if tok.Claims["xms_cc"] == nil || groups(tok.AccessToken).StatusCode != 200 {
		t.Fatalf("before revocation: claims %v", tok.Claims)
	}
	if err := e.RevokeSessions("alice"); err != nil {
		t.Fatal(err)
	}
	resp := groups(tok.AccessToken)
	h := resp.Header.Get("WWW-Authenticate")
	_, b64, ok := strings.Cut(h, `claims="`)
	if resp.StatusCode != 401 || !ok {
		t.Fatalf("after revocation: %d %q", resp.StatusCode, h)
	}
	claims, err := base64.StdEncoding.DecodeString(strings.TrimSuffix(b64, `"`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Token(ctx, scope, TokenOptions{Claims: string(claims)})
	var ee *EntraError
	if !errors.As(err, &ee) || !ee.InteractionRequired || !strings.Contains(err.Error(), `run login({flow: "device"}) again`) ||
		strings.ContainsAny(err.Error(), "\r\n") {
		t.Fatalf("want INTERACTION_REQUIRED naming the login, got %v", err)
	}
	if _, err := s.Login(ctx, LoginOptions{}); err != nil {
		t.Fatal(err)
	}
	tok, err = s.Token(ctx, scope, TokenOptions{Force: true})
	if err != nil || groups(tok.AccessToken).StatusCode != 200 {
		t.Fatalf("after the new login: %v", err)
	}
}
