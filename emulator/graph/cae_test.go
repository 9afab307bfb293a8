package graph

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/bearer"
	"github.com/azrepl/azrepl/emulator/internal/fixture"
	"github.com/golang-jwt/jwt/v5"
)

// A revoked session gets Graph's CAE 401: its usual challenge plus
// error="insufficient_claims" and the base64 claims (fidelity/recordings/entra/50076-mfa-claims.json and https://learn.microsoft.com/entra/identity-platform/claims-challenge).
func TestRevokedSessionGetsInsufficientClaims(t *testing.T) {
	const challenge = `{"access_token":{"nbf":{"essential":true,"value":"1788264000"}}}`
	srv := httptest.NewTLSServer(New(Config{TenantID: fixture.Tenant, PublicKey: &fixture.Key().PublicKey, Users: testUsers(),
		Now: func() time.Time { return fixture.Now },
		Revoked: func(c jwt.MapClaims) (string, bool) {
			return challenge, bearer.String(c, "oid") == testUsers()[0].ID
		}}))
	t.Cleanup(srv.Close)
	get := func(oid string) fixture.Reply {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1.0/me", nil)
		req.Header.Set("Authorization", "Bearer "+fixture.Token(t, "https://graph.microsoft.com", jwt.MapClaims{"oid": oid, "scp": "User.Read"}))
		return fixture.Do(t, srv.Client(), req)
	}
	r := get(testUsers()[0].ID)
	want := wwwAuthenticate + `, error="insufficient_claims", claims="` + bearer.Challenge(challenge) + `"`
	if r.Status != 401 || r.Header.Get("WWW-Authenticate") != want {
		t.Fatalf("%d %q", r.Status, r.Header.Get("WWW-Authenticate"))
	}
	e := r.JSON(t)["error"].(map[string]any)
	if e["code"] != "InvalidAuthenticationToken" || e["message"] != caeMessage {
		t.Fatalf("body %s", r.Body)
	}
	if r := get(testUsers()[1].ID); r.Status != 200 {
		t.Fatalf("another user: %d %s", r.Status, r.Body)
	}
}
