package bindings_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/auth"
	"github.com/azrepl/azrepl/bindings"
	"github.com/azrepl/azrepl/errcode"
)

func TestAuthErrorFields(t *testing.T) {
	ee := &auth.EntraError{Err: "invalid_client", Codes: []int{7000215}, Description: "AADSTS7000215: Invalid client secret provided.", HTTPStatus: 401}
	var e *bindings.Error
	if !errors.As(bindings.AuthError(nil, fmt.Errorf("login: %w", ee)), &e) {
		t.Fatal("AuthError did not give a *bindings.Error")
	}
	if e.Code != "INVALID_CLIENT" || e.AADSTS != "AADSTS7000215" || e.Status != 401 || errcode.Exit(e.Code) != 6 || e.Hint != ee.Hint() || e.Hint == "" {
		t.Errorf("AuthError = %+v", e)
	}
	var cause *auth.EntraError
	if !errors.As(e, &cause) || cause != ee {
		t.Error("the Entra error is not reachable from Go")
	}
	if !errors.As(bindings.AuthError(nil, fmt.Errorf("%w: run login() first", auth.ErrLoginNeeded)), &e) || e.Code != "UNAUTHENTICATED" || e.Hint == "" {
		t.Errorf("not signed in = %+v", e)
	}
}

func TestRenderToken(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	jwt := "eyJhbGciOiJSUzI1NiJ9.eyJ1cG4iOiJhbGljZSJ9.c2lnbmF0dXJl"
	tok := &auth.Token{AccessToken: jwt, Scope: "https://graph.microsoft.com/.default", Audience: "https://graph.microsoft.com",
		ExpiresOn: now.Add(3599 * time.Second), ClientID: "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
		Account: auth.Account{Username: "alice@contoso.onmicrosoft.com"},
		Claims: map[string]any{"upn": "alice@contoso.onmicrosoft.com", "scp": "User.Read Group.Read.All", "tid": "t-1",
			"roles": []any{"b", "a"}, "secret_claim_not_shown": "zzz"}}
	out := bindings.RenderToken(tok, now)
	for _, s := range []string{"Token for https://graph.microsoft.com, expires in 59m", "scp", "User.Read Group.Read.All", "roles      a b", "tid"} {
		if !strings.Contains(out, s) {
			t.Errorf("rendered token lacks %q:\n%s", s, out)
		}
	}
	if strings.Contains(out, jwt) || strings.Contains(out, "c2lnbmF0dXJl") || strings.Contains(out, "zzz") {
		t.Errorf("rendered token shows the JWT or an unlisted claim:\n%s", out)
	}
	if out := bindings.RenderToken(tok, now.Add(2*time.Hour)); !strings.Contains(out, "expired 1h ago") {
		t.Errorf("an expired token renders as:\n%s", out)
	}
}
