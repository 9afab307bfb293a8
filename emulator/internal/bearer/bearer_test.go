package bearer_test

import (
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/bearer"
	"github.com/azrepl/azrepl/emulator/internal/fixture"
	"github.com/golang-jwt/jwt/v5"
)

const aud = "https://graph.microsoft.com"

func checker(revoked bearer.RevocationFunc) *bearer.Checker {
	return &bearer.Checker{Key: &fixture.Key().PublicKey, Audiences: []string{aud, "00000003-0000-0000-c000-000000000000"},
		TenantID: fixture.Tenant, Now: func() time.Time { return fixture.Now }, Revoked: revoked}
}

func TestEachRefusalHasItsReason(t *testing.T) {
	ck := checker(nil)
	cases := map[string]struct {
		header string
		want   bearer.Reason
	}{
		"no header":      {"", bearer.Missing},
		"basic":          {"Basic dXNlcjpwYXNz", bearer.NotBearer},
		"bearer nothing": {"Bearer ", bearer.NotBearer},
		"no dots":        {"Bearer abc", bearer.Malformed},
		"garbage parts":  {"Bearer a.b.c", bearer.BadSignature},
		"other key":      {"Bearer " + fixture.Sign(t, fixture.OtherKey(), fixture.Claims(aud, nil)), bearer.BadSignature},
		"HS256": {"Bearer " + func() string {
			s, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, fixture.Claims(aud, nil)).SignedString([]byte("k"))
			return s
		}(), bearer.BadSignature},
		"wrong aud":    {"Bearer " + fixture.Token(t, "https://management.core.windows.net/", nil), bearer.WrongAudience},
		"no exp":       {"Bearer " + fixture.Token(t, aud, jwt.MapClaims{"exp": nil}), bearer.NoExpiry},
		"expired":      {"Bearer " + fixture.Token(t, aud, jwt.MapClaims{"exp": fixture.Now.Unix()}), bearer.Expired},
		"future nbf":   {"Bearer " + fixture.Token(t, aud, jwt.MapClaims{"nbf": fixture.Now.Add(time.Minute).Unix()}), bearer.NotYetValid},
		"other tenant": {"Bearer " + fixture.Token(t, aud, jwt.MapClaims{"tid": "00000000-0000-0000-0000-000000000001", "iss": "https://sts.windows.net/x/"}), bearer.WrongTenant},
	}
	for name, c := range cases {
		_, f := ck.Check(c.header)
		if f == nil || f.Reason != c.want {
			t.Errorf("%s: got %v, want reason %d", name, f, c.want)
		}
	}
	if _, f := ck.Check("Bearer " + fixture.Token(t, "https://management.core.windows.net/", nil)); f.Audience[0] != "https://management.core.windows.net/" {
		t.Errorf("audience not reported: %v", f.Audience)
	}
	if _, f := ck.Check("Bearer " + fixture.Token(t, aud, jwt.MapClaims{"tid": "x", "iss": "https://sts.windows.net/x/"})); f.Issuer != "https://sts.windows.net/x/" {
		t.Errorf("issuer not reported: %q", f.Issuer)
	}
}

func TestAcceptsBothAudienceFormsAndSchemeCase(t *testing.T) {
	ck := checker(nil)
	for _, a := range []string{aud, aud + "/", "00000003-0000-0000-c000-000000000000"} {
		claims, f := ck.Check("bearer " + fixture.Token(t, a, jwt.MapClaims{"oid": "o1"}))
		if f != nil || bearer.String(claims, "oid") != "o1" {
			t.Errorf("%s: %v", a, f)
		}
	}
}

func TestRevokedSessionCarriesTheClaimsChallenge(t *testing.T) {
	const challenge = `{"access_token":{"nbf":{"essential":true,"value":"1788264000"}}}`
	ck := checker(func(c jwt.MapClaims) (string, bool) { return challenge, bearer.String(c, "oid") == "revoked" })
	if _, f := ck.Check("Bearer " + fixture.Token(t, aud, jwt.MapClaims{"oid": "fine"})); f != nil {
		t.Fatalf("not revoked: %v", f)
	}
	_, f := ck.Check("Bearer " + fixture.Token(t, aud, jwt.MapClaims{"oid": "revoked"}))
	if f == nil || f.Reason != bearer.Revoked || f.Claims != challenge {
		t.Fatalf("revoked: %+v", f)
	}
	if got := bearer.Challenge(challenge); got != "eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZSwidmFsdWUiOiIxNzg4MjY0MDAwIn19fQ==" {
		t.Fatalf("challenge encoding %q", got)
	}
}
