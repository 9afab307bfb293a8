package auth

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/emulatortest"
)

// alice is a guest in the emulator's partner tenant. A token for it from her
// home login carries the partner's tid and leaves the home account as it
// was; a login there is an account of its own (MSAL's one account per realm,
// keyed by client_info uid.utid plus the tenant) with the home tenant and
// home object id, and the home account is still there afterwards.
func TestEmulatorGuestTenant(t *testing.T) {
	e := startEmulator(t, emulator.Config{ApproveAfter: time.Second, ApproveAs: "alice"})
	w := e.World()
	partner := w.GuestTenants[0]
	alice, bob := emulatortest.User(t, e, "alice"), emulatortest.User(t, e, "bob")
	var pages []string
	s := emulatorSession(t, e, nil, mfaBrowser(t, e, alice.Username, alice.Password, "", &pages))
	s.cfg.OnDeviceCode = func(DeviceCode) {}
	ctx := context.Background()
	home, err := s.Login(ctx, LoginOptions{})
	if err != nil {
		t.Fatal(err)
	}
	const graph = "https://graph.microsoft.com/.default"
	tok, err := s.Token(ctx, graph, TokenOptions{Tenant: partner.Domain})
	if err != nil {
		t.Fatal(err)
	}
	if tok.Claims["tid"] != partner.TenantID || tok.Account.TenantID != w.TenantID || tok.Account.GuestTenantID != "" {
		t.Fatalf("partner token: claims %v, account %+v", tok.Claims, tok.Account)
	}
	// The browser login in the partner tenant.
	guest, err := s.Login(ctx, LoginOptions{Flow: FlowBrowser, Tenant: partner.Domain, Scope: graph})
	if err != nil {
		t.Fatal(err)
	}
	if guest.Username != alice.Username || guest.TenantID != w.TenantID || guest.ObjectID != alice.ObjectID ||
		guest.GuestTenantID != partner.TenantID || guest.HomeAccountID != home.HomeAccountID {
		t.Fatalf("guest account %+v (home %+v)", guest, home)
	}
	accts, err := s.Accounts()
	if err != nil || len(accts) != 2 || accts[0].GuestTenantID != partner.TenantID {
		t.Fatalf("accounts %+v %v", accts, err)
	}
	if h := accts[1]; h.GuestTenantID != "" || h.TenantID != w.TenantID || h.Tenant != DefaultTenant || h.ObjectID != alice.ObjectID {
		t.Fatalf("the home account changed: %+v", h)
	}
	// The default (guest) account gets partner tokens; the home tenant's
	// come from the same (shared) refresh token.
	if tok, err = s.Token(ctx, graph, TokenOptions{}); err != nil || tok.Claims["tid"] != partner.TenantID || tok.Claims["oid"] == alice.ObjectID {
		t.Fatalf("guest token: %v %v", err, tok)
	}
	if tok, err = s.Token(ctx, graph, TokenOptions{Tenant: w.TenantID}); err != nil || tok.Claims["tid"] != w.TenantID || tok.Claims["oid"] != alice.ObjectID {
		t.Fatalf("home token: %v %v", err, tok)
	}

	// bob was not invited: AADSTS50020 in one line with its hint.
	_, err = s.Login(ctx, LoginOptions{Flow: FlowPassword, Tenant: partner.Domain, Username: bob.Username, Password: bob.Password})
	var ee *EntraError
	if !errors.As(err, &ee) || !ee.HasCode(50020) || ee.Err != "invalid_grant" || ee.HTTPStatus != 400 {
		t.Fatalf("bob in the partner tenant: %v", err)
	}
	if msg := err.Error(); strings.ContainsAny(msg, "\r\n") || !strings.Contains(msg, "does not exist in tenant 'Contoso Partner'") ||
		!strings.HasSuffix(msg, "— "+(&EntraError{Codes: []int{50020}}).Hint()) {
		t.Fatalf("error line: %s", msg)
	}
	// The world's apps are registered in its home tenant only: AADSTS700016 there.
	reader := emulatortest.App(t, e, "reader-app")
	_, err = s.Login(ctx, LoginOptions{Flow: FlowSecret, Tenant: partner.TenantID, ClientID: reader.ClientID, ClientSecret: reader.ClientSecret,
		Scope: graph})
	if !errors.As(err, &ee) || !ee.HasCode(700016) || ee.Err != "unauthorized_client" {
		t.Fatalf("reader-app in the partner tenant: %v", err)
	}
	if msg := err.Error(); strings.ContainsAny(msg, "\r\n") || !strings.Contains(msg, "was not found in the directory 'Contoso Partner'") ||
		!strings.HasSuffix(msg, "— "+(&EntraError{Codes: []int{700016}}).Hint()) || strings.Contains(msg, reader.ClientSecret) {
		t.Fatalf("error line: %s", msg)
	}
}
