package auth

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/internal/tabletest"
)

const officeClientID = "d3590ed6-52b3-4102-aeff-aad2292ab01c"

// The Azure CLI is not pre-authorized for Mail.Read: Entra answers 65002,
// azrepl's one line names Microsoft Office and the call, and that call works
// with the CLI login's family refresh token.
func TestEmulatorPreauthorizationAdvice(t *testing.T) {
	_, s := aliceLoggedIn(t, nil)
	ctx := context.Background()
	const scope = "https://graph.microsoft.com/Mail.Read"
	_, err := s.Token(ctx, scope, TokenOptions{})
	var ee *EntraError
	if !errors.As(err, &ee) || !ee.HasCode(65002) || ee.Err != "invalid_resource" {
		t.Fatalf("want AADSTS65002, got %v", err)
	}
	want := `token("https://graph.microsoft.com/Mail.Read", {clientId: "` + officeClientID + `"})`
	if msg := err.Error(); !strings.Contains(msg, want) || !strings.Contains(msg, "Azure CLI is not pre-authorized") || strings.ContainsAny(msg, "\r\n") {
		t.Fatalf("error line: %s", msg)
	}
	tok, err := s.Token(ctx, scope, TokenOptions{ClientID: officeClientID})
	if err != nil {
		t.Fatalf("the advised call failed: %v", err)
	}
	if tok.Claims["scp"] != "Mail.Read" || tok.Claims["appid"] != officeClientID {
		t.Fatalf("claims %v", tok.Claims)
	}
	// A scope Graph does not have: 70011, no pre-authorization advice but
	// that Graph has no such permission.
	_, err = s.Token(ctx, "https://graph.microsoft.com/Foo.Bar", TokenOptions{})
	if !errors.As(err, &ee) || !ee.HasCode(70011) || !strings.HasPrefix(ee.Advice, `"Foo.Bar" is not a Microsoft Graph permission`) {
		t.Fatalf("want AADSTS70011, got %v", err)
	}
}

func TestPreauthorizedClients(t *testing.T) {
	names := func(scope string) string {
		var out []string
		for _, c := range PreauthorizedClients(scope) {
			out = append(out, c.Name)
		}
		return strings.Join(out, ",")
	}
	tabletest.Each(t, "PreauthorizedClients", names, map[string]string{
		"Mail.Read": "Microsoft Office,Microsoft Teams",
		"https://management.core.windows.net//.default": "Microsoft Azure CLI,Microsoft Azure PowerShell,Visual Studio",
		"2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default": "Microsoft Azure CLI",
		"https://example.com/x":                         "",
	})
}

// The browser login meets 65002 at /authorize (a redirect, no sign-in): the
// same one line and advice as token() gives at the token endpoint.
func TestEmulatorPreauthorizationAtAuthorize(t *testing.T) {
	e := startEmulator(t, emulator.Config{})
	var pages []string
	s := emulatorSession(t, e, nil, mfaBrowser(t, e, "alice", "unused", "", &pages))
	const scope = "https://graph.microsoft.com/Mail.Read"
	_, err := s.Login(context.Background(), LoginOptions{Flow: FlowBrowser, Scope: scope})
	var ee *EntraError
	if !errors.As(err, &ee) || !ee.HasCode(65002) || ee.Err != "invalid_request" {
		t.Fatalf("want AADSTS65002 from /authorize, got %v", err)
	}
	want := `token("https://graph.microsoft.com/Mail.Read", {clientId: "` + officeClientID + `"})`
	if msg := err.Error(); !strings.Contains(msg, "AADSTS65002: Consent between first party application") || !strings.Contains(msg, want) ||
		!strings.Contains(msg, "Azure CLI is not pre-authorized") || strings.ContainsAny(msg, "\r\n") {
		t.Fatalf("error line: %s", msg)
	}
	if len(pages) != 0 {
		t.Fatalf("a sign-in page was shown: %v", pages)
	}
}
