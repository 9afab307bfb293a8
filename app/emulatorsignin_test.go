package app

import (
	"context"
	"errors"
	"io"
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
