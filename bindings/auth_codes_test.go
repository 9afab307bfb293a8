package bindings_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/auth"
	"github.com/azrepl/azrepl/bindings"
)

func TestCodeForEntra(t *testing.T) {
	cases := []struct {
		err  auth.EntraError
		want string
	}{
		{auth.EntraError{Err: "invalid_grant", Codes: []int{65001}, HTTPStatus: 400}, "CONSENT_REQUIRED"},
		{auth.EntraError{Err: "invalid_grant", Codes: []int{50076}, HTTPStatus: 400}, "MFA_REQUIRED"},
		{auth.EntraError{Err: "invalid_grant", Codes: []int{53003}, HTTPStatus: 400}, "INTERACTION_REQUIRED"},
		{auth.EntraError{Err: "invalid_client", Codes: []int{7000215}, HTTPStatus: 401}, "INVALID_CLIENT"},
		{auth.EntraError{Err: "unauthorized_client", Codes: []int{700016}, HTTPStatus: 400}, "INVALID_CLIENT"},
		{auth.EntraError{Err: "invalid_scope", Codes: []int{70011}, HTTPStatus: 400}, "BAD_REQUEST"},
		{auth.EntraError{Err: "invalid_request", Codes: []int{28000}, HTTPStatus: 400}, "BAD_REQUEST"},
		{auth.EntraError{Err: "invalid_grant", Codes: []int{70008}, HTTPStatus: 400}, "UNAUTHENTICATED"},
		{auth.EntraError{Err: "invalid_grant", Codes: []int{50173}, HTTPStatus: 400}, "UNAUTHENTICATED"},
		// The same refusal when redeeming a resource's claims challenge: only a new login helps.
		{auth.EntraError{Err: "invalid_grant", Codes: []int{50173}, HTTPStatus: 400, InteractionRequired: true}, "INTERACTION_REQUIRED"},
		{auth.EntraError{Err: "interaction_required", HTTPStatus: 400}, "INTERACTION_REQUIRED"},
		{auth.EntraError{Err: "expired_token", HTTPStatus: 400}, "UNAUTHENTICATED"},
		{auth.EntraError{Err: "temporarily_unavailable", HTTPStatus: 503}, "SERVER_ERROR"},
	}
	for _, c := range cases {
		if got := bindings.CodeForEntra(&c.err); got != c.want {
			t.Errorf("%s %v: code %s, want %s", c.err.Err, c.err.Codes, got, c.want)
		}
	}
}

func TestCodeForError(t *testing.T) {
	opErr := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	cases := map[string]struct {
		err  error
		want string
	}{
		"wrapped entra":  {fmt.Errorf("login: %w", &auth.EntraError{Err: "invalid_client", Codes: []int{7000215}}), "INVALID_CLIENT"},
		"cancelled":      {fmt.Errorf("poll: %w", context.Canceled), "CANCELLED"},
		"deadline":       {context.DeadlineExceeded, "TIMEOUT"},
		"network":        {fmt.Errorf("post: %w", opErr), "NETWORK"},
		"not signed in":  {fmt.Errorf("token: %w", fmt.Errorf("%w: run login() first", auth.ErrLoginNeeded)), "UNAUTHENTICATED"},
		"wording only":   {errors.New("not signed in: typed by hand"), ""},
		"typed wins":     {&bindings.Error{Code: "FORBIDDEN"}, "FORBIDDEN"},
		"nothing better": {errors.New("disk full"), ""},
	}
	for name, c := range cases {
		if got := bindings.CodeForError(c.err); got != c.want {
			t.Errorf("%s: code %q, want %q", name, got, c.want)
		}
	}
}

func TestExitCodes(t *testing.T) {
	seen := map[int]string{}
	for _, code := range []string{"UNAUTHENTICATED", "CONSENT_REQUIRED", "MFA_REQUIRED", "INVALID_CLIENT",
		"BAD_REQUEST", "NOT_FOUND", "THROTTLED", "SERVER_ERROR", "NETWORK", "TIMEOUT", "CANCELLED"} {
		n := bindings.ExitCodeFor(code)
		if n <= 2 || n > 255 {
			t.Errorf("%s exits with %d: 0-2 are success, failure and usage", code, n)
		}
		if other, dup := seen[n]; dup {
			t.Errorf("%s and %s share exit code %d", code, other, n)
		}
		seen[n] = code
	}
	if n := bindings.ExitCodeFor("SOMETHING_ELSE"); n != 1 {
		t.Errorf("an unknown code exits with %d, want 1", n)
	}
	if bindings.ExitCodeFor("FORBIDDEN") != bindings.ExitCodeFor("CONSENT_REQUIRED") {
		t.Error("FORBIDDEN and CONSENT_REQUIRED are the same kind: a missing permission")
	}
}

func TestAuthErrorFields(t *testing.T) {
	ee := &auth.EntraError{Err: "invalid_client", Codes: []int{7000215}, Description: "AADSTS7000215: Invalid client secret provided.", HTTPStatus: 401}
	var e *bindings.Error
	if !errors.As(bindings.AuthError(nil, fmt.Errorf("login: %w", ee)), &e) {
		t.Fatal("AuthError did not give a *bindings.Error")
	}
	if e.Code != "INVALID_CLIENT" || e.AADSTS != "AADSTS7000215" || e.Status != 401 || bindings.ExitCodeFor(e.Code) != 6 || e.Hint != ee.Hint() || e.Hint == "" {
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
