package graph

import (
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/fixture"
	"github.com/golang-jwt/jwt/v5"
)

func TestWrongAudienceIsRejectedWithGraphEnvelope(t *testing.T) {
	srv := newTestServer(t, 3)
	armToken := mint(t, jwt.MapClaims{"aud": "https://management.core.windows.net/", "scp": "user_impersonation", "oid": testUsers()[0].ID})
	r := get(t, srv, "/v1.0/groups", armToken, map[string]string{"client-request-id": "abc-123"})
	if r.status != http.StatusUnauthorized {
		t.Fatalf("status %d, want 401: %s", r.status, r.body)
	}
	reqID := r.header.Get("request-id")
	want := `{"error":{"code":"InvalidAuthenticationToken","message":"Access token validation failure. Invalid audience.","innerError":{"date":"2026-09-01T12:00:00","request-id":"` + reqID + `","client-request-id":"abc-123"}}}`
	if string(r.body) != want {
		t.Fatalf("body\n got %s\nwant %s", r.body, want)
	}
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(reqID) {
		t.Fatalf("request-id %q is not a GUID", reqID)
	}
	if r.header.Get("client-request-id") != "abc-123" {
		t.Fatalf("client-request-id header %q", r.header.Get("client-request-id"))
	}
	if got := r.header.Get("WWW-Authenticate"); got != wwwAuthenticate {
		t.Fatalf("WWW-Authenticate %q", got)
	}
}

func TestTokenFailures(t *testing.T) {
	srv := newTestServer(t, 3)
	other := mintWithKey(t, jwt.MapClaims{"aud": "https://graph.microsoft.com", "tid": fixture.Tenant, "exp": fixture.Now.Add(time.Hour).Unix(), "roles": []any{"Group.Read.All"}})
	cases := []struct {
		name, token, message string
	}{
		{"missing", "", "Access token is empty."},
		{"not a JWT", "opaque-token", "IDX14100: JWT is not well formed, there are no dots (.).\nThe token needs to be in JWS or JWE Compact Serialization Format. (JWS): 'EncodedHeader.EncodedPayload.EncodedSignature'. (JWE): 'EncodedProtectedHeader.EncodedEncryptedKey.EncodedInitializationVector.EncodedCiphertext.EncodedAuthenticationTag'."},
		{"expired", mint(t, jwt.MapClaims{"exp": fixture.Now.Add(-time.Second).Unix(), "roles": []any{"Group.Read.All"}}), "Lifetime validation failed, the token is expired."},
		{"not yet valid", mint(t, jwt.MapClaims{"nbf": fixture.Now.Add(time.Minute).Unix(), "roles": []any{"Group.Read.All"}}), "Lifetime validation failed, the token is not yet valid."},
		{"other signer", other, "Access token validation failure."},
		{"other tenant", mint(t, jwt.MapClaims{"tid": "00000000-0000-0000-0000-000000000001", "roles": []any{"Group.Read.All"}}), "Access token validation failure. Invalid issuer."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := get(t, srv, "/v1.0/groups", c.token, nil)
			code, msg := graphError(t, r)
			if r.status != 401 || code != "InvalidAuthenticationToken" || msg != c.message {
				t.Fatalf("got %d %s %q, want 401 InvalidAuthenticationToken %q", r.status, code, msg, c.message)
			}
			if r.header.Get("WWW-Authenticate") == "" {
				t.Fatal("401 without WWW-Authenticate")
			}
		})
	}
}

func mintWithKey(t *testing.T, c jwt.MapClaims) string {
	k := fixture.OtherKey()
	s, err := jwt.NewWithClaims(jwt.SigningMethodRS256, c).SignedString(k)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestGraphAudienceSpellingsAccepted(t *testing.T) {
	srv := newTestServer(t, 3)
	for _, aud := range []string{"https://graph.microsoft.com", "https://graph.microsoft.com/", "00000003-0000-0000-c000-000000000000"} {
		tok := mint(t, jwt.MapClaims{"aud": aud, "roles": []any{"Group.Read.All"}})
		if r := get(t, srv, "/v1.0/groups", tok, nil); r.status != 200 {
			t.Fatalf("aud %s: %d %s", aud, r.status, r.body)
		}
	}
}

func TestPermissions(t *testing.T) {
	srv := newTestServer(t, 3)
	denied := func(t *testing.T, r result) {
		t.Helper()
		code, msg := graphError(t, r)
		if r.status != 403 || code != "Authorization_RequestDenied" || msg != "Insufficient privileges to complete the operation." {
			t.Fatalf("got %d %s %q", r.status, code, msg)
		}
	}
	t.Run("app without roles (story-app)", func(t *testing.T) {
		denied(t, get(t, srv, "/v1.0/groups", appToken(t), nil))
	})
	t.Run("app with Group.Read.All", func(t *testing.T) {
		tok := appToken(t, "Group.Read.All")
		if r := get(t, srv, "/v1.0/groups", tok, nil); r.status != 200 {
			t.Fatalf("groups: %d %s", r.status, r.body)
		}
		denied(t, get(t, srv, "/v1.0/users", tok, nil))
	})
	t.Run("delegated User.Read", func(t *testing.T) {
		tok := userToken(t, "openid profile User.Read")
		r := get(t, srv, "/v1.0/me", tok, nil)
		if r.status != 200 || r.json(t)["userPrincipalName"] != "alice@contoso.onmicrosoft.com" {
			t.Fatalf("me: %d %s", r.status, r.body)
		}
		denied(t, get(t, srv, "/v1.0/groups", tok, nil))
		denied(t, get(t, srv, "/beta/users", tok, nil))
	})
	t.Run("delegated broad scp like the Azure CLI", func(t *testing.T) {
		tok := userToken(t, "Application.ReadWrite.All AuditLog.Read.All Directory.AccessAsUser.All Group.ReadWrite.All User.ReadWrite.All")
		for _, p := range []string{"/v1.0/me", "/v1.0/users", "/beta/groups"} {
			if r := get(t, srv, p, tok, nil); r.status != 200 {
				t.Fatalf("%s: %d %s", p, r.status, r.body)
			}
		}
	})
	t.Run("app token on /me", func(t *testing.T) {
		r := get(t, srv, "/v1.0/me", appToken(t, "User.Read.All"), nil)
		code, msg := graphError(t, r)
		if r.status != 400 || code != "BadRequest" || msg != "/me request is only valid with delegated authentication flow." {
			t.Fatalf("got %d %s %q", r.status, code, msg)
		}
	})
}
