package arm

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/bearer"
	"github.com/azrepl/azrepl/emulator/internal/fixture"
	"github.com/golang-jwt/jwt/v5"
)

// A revoked session gets ARM's CAE 401 (fidelity/recordings/entra/50076-mfa-claims.json and https://learn.microsoft.com/entra/identity-platform/claims-challenge).
func TestRevokedSessionGetsARMChallenge(t *testing.T) {
	const challenge = `{"access_token":{"nbf":{"essential":true,"value":"1788264000"}}}`
	srv := httptest.NewTLSServer(New(Config{TenantID: fixture.Tenant, PublicKey: &fixture.Key().PublicKey,
		Now:     func() time.Time { return fixture.Now },
		Revoked: func(c jwt.MapClaims) (string, bool) { return challenge, bearer.String(c, "oid") == "revoked" }}))
	t.Cleanup(srv.Close)
	get := func(oid string) fixture.Reply {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/subscriptions?api-version=2022-12-01", nil)
		req.Header.Set("Authorization", "Bearer "+fixture.Token(t, "https://management.core.windows.net/", jwt.MapClaims{"oid": oid, "scp": "user_impersonation"}))
		return fixture.Do(t, srv.Client(), req)
	}
	r := get("revoked")
	want := `Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="User session has been revoked", claims="` +
		bearer.Challenge(challenge) + `"`
	if r.Status != 401 || r.Header.Get("WWW-Authenticate") != want {
		t.Fatalf("%d %q %s", r.Status, r.Header.Get("WWW-Authenticate"), r.Body)
	}
	if e := r.JSON(t)["error"].(map[string]any); e["code"] != "InvalidAuthenticationToken" {
		t.Fatalf("body %s", r.Body)
	}
	if r := get("fine"); r.Status != 200 {
		t.Fatalf("not revoked: %d %s", r.Status, r.Body)
	}
}
