package app

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/auth"
)

// TestEmulatorSignsInWithoutABrowser: with --emulator and no $BROWSER, a
// browser login completes by the emulator's own sign-in (its page filled in
// as the approving user), and login({flow: "azcli"}) finds the Azure CLI
// folder the emulator leaves as az login would; a device code's
// verification page is not "opened" (the emulator approves those itself).
func TestEmulatorSignsInWithoutABrowser(t *testing.T) {
	var stderr strings.Builder
	s, err := Setup(context.Background(), Options{Emulator: true, Stderr: &stderr, EmulatorDir: t.TempDir(),
		Environ: []string{}, ApproveAfter: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a hang is the failure
	defer cancel()
	for _, flow := range []string{auth.FlowBrowser, auth.FlowAzCLI} {
		a, err := s.Auth.Login(ctx, auth.LoginOptions{Flow: flow})
		if err != nil {
			t.Fatalf("%s: %v\n%s", flow, err, stderr.String())
		}
		if a.Username != "alice@contoso.onmicrosoft.com" {
			t.Errorf("%s: signed in as %q", flow, a.Username)
		}
		if _, err := s.Auth.Token(ctx, "https://graph.microsoft.com/.default", auth.TokenOptions{Account: a.Username}); err != nil {
			t.Errorf("%s: a Graph token: %v", flow, err)
		}
	}
	if !strings.Contains(stderr.String(), "the emulator signs in as alice@") {
		t.Errorf("no word of the emulator's sign-in on stderr:\n%s", stderr.String())
	}
	open := emulatorSignIn(s.Emulator, s.approvingUser(""), 0, io.Discard)
	if err := open("https://microsoft.com/devicelogin"); !errors.Is(err, errNotSignInPage) {
		t.Errorf("the device login page: %v, want errNotSignInPage", err)
	}
}

// TestEmulatorSignInAnswersTheOneTimeCode: for a user who must do MFA for
// Graph, the emulator's sign-in enters the user's one-time code on the page
// that asks for it, as the user would.
func TestEmulatorSignInAnswersTheOneTimeCode(t *testing.T) {
	var stderr strings.Builder
	s, err := Setup(context.Background(), Options{Emulator: true, Stderr: &stderr, EmulatorDir: t.TempDir(),
		Environ: []string{}, ApproveAfter: 50 * time.Millisecond, ApproveAs: "carol"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a hang is the failure
	defer cancel()
	a, err := s.Auth.Login(ctx, auth.LoginOptions{Flow: auth.FlowBrowser, Scope: "https://graph.microsoft.com/.default"})
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	tok, err := s.Auth.Token(ctx, "https://graph.microsoft.com/.default", auth.TokenOptions{Account: a.Username})
	if err != nil {
		t.Fatal(err)
	}
	if amr, _ := tok.Claims["amr"].([]any); !strings.HasPrefix(a.Username, "carol@") || !slices.Contains(amr, any("mfa")) {
		t.Errorf("signed in as %s with amr %v, want carol with mfa", a.Username, tok.Claims["amr"])
	}
}

// TestEmulatorSignInFailureEndsTheWait: when the emulator's sign-in fails
// (here a wrong password), the login ends at once with that error, as with
// an authorization server's error redirect, not after its timeout.
func TestEmulatorSignInFailureEndsTheWait(t *testing.T) {
	var stderr strings.Builder
	s, err := Setup(context.Background(), Options{Emulator: true, Stderr: &stderr, EmulatorDir: t.TempDir(), Environ: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	bad := s.approvingUser("")
	bad.Password = "not-" + bad.Password
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a hang is the failure
	defer cancel()
	_, err = auth.AuthCodeFlow(ctx, s.HTTP.HTTPClient(), auth.AuthCodeRequest{
		AuthorizeURL: "https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize",
		TokenURL:     "https://login.microsoftonline.com/organizations/oauth2/v2.0/token",
		ClientID:     azureCLIClientID, Scope: "https://graph.microsoft.com/.default offline_access",
		OpenURL: emulatorSignIn(s.Emulator, bad, 0, &stderr), Timeout: time.Hour,
	})
	if err == nil || !strings.Contains(err.Error(), "the emulator's sign-in failed") {
		t.Fatalf("err = %v, want the emulator's sign-in failure\n%s", err, stderr.String())
	}
}
