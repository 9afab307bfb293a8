package auth

import (
	"context"
	"testing"
)

// A claims challenge from a resource skips the cached token and is sent, as
// is, in the refresh request's claims parameter.
func TestSessionTokenWithClaimsChallenge(t *testing.T) {
	fe := newFakeEntra(t)
	entraLike(t, fe)
	s := newTestSession(t, fe, nil)
	loginDevice(t, s)
	const graph = "https://graph.microsoft.com/.default"
	first, err := s.Token(context.Background(), graph, TokenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	before := len(fe.requests())
	const challenge = `{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}`
	again, err := s.Token(context.Background(), graph, TokenOptions{Claims: challenge})
	if err != nil {
		t.Fatal(err)
	}
	if again.FromCache || len(fe.requests()) != before+1 {
		t.Fatal("a claims challenge must not be answered from the cache")
	}
	if first.Audience != again.Audience {
		t.Fatalf("audience changed: %s → %s", first.Audience, again.Audience)
	}
	f := fe.requests()[len(fe.requests())-1].Form
	if f.Get("grant_type") != "refresh_token" || f.Get("claims") != challenge {
		t.Fatalf("refresh form: grant_type %q claims %q", f.Get("grant_type"), f.Get("claims"))
	}
}
