package emulator

import (
	"context"
	"testing"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
	"github.com/azrepl/azrepl/emulator/internal/fixture"
	"github.com/azrepl/azrepl/internal/testkey"
)

// MSAL Go, a client this project did not write, against the emulator over
// TLS with instance discovery off.

func msalPublic(t *testing.T, em *Emulator) public.Client {
	t.Helper()
	app, err := public.New(fixture.AzureCLI, public.WithAuthority("https://login.microsoftonline.com/organizations"),
		public.WithHTTPClient(em.HTTPClient()), public.WithInstanceDiscovery(false))
	if err != nil {
		t.Fatal(err)
	}
	return app
}

func TestMSALDeviceCodeThenSilentForAnotherResource(t *testing.T) {
	em := startEmulator(t, Config{ApproveAfter: 300 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	app := msalPublic(t, em)
	dc, err := app.AcquireTokenByDeviceCode(ctx, []string{"https://management.core.windows.net//.default"})
	if err != nil {
		t.Fatalf("device code: %v", err)
	}
	res, err := dc.AuthenticationResult(ctx)
	if err != nil {
		t.Fatalf("device code result: %v", err)
	}
	alice := em.World().User("alice")
	if res.Account.PreferredUsername != alice.Username || res.Account.HomeAccountID != alice.ObjectID+"."+em.World().TenantID {
		t.Errorf("account %+v", res.Account)
	}
	if c := claimsOf(t, em, res.AccessToken); c["aud"] != "https://management.core.windows.net/" || c["scp"] != "user_impersonation" {
		t.Errorf("ARM token claims %v", c)
	}
	g, err := app.AcquireTokenSilent(ctx, []string{"https://graph.microsoft.com/.default"}, public.WithSilentAccount(res.Account))
	if err != nil {
		t.Fatalf("silent graph: %v", err)
	}
	if c := claimsOf(t, em, g.AccessToken); c["aud"] != "https://graph.microsoft.com" || c["oid"] != alice.ObjectID {
		t.Errorf("Graph token claims %v", c)
	}
	// Silent again: served from MSAL's cache, the same token.
	again, err := app.AcquireTokenSilent(ctx, []string{"https://graph.microsoft.com/.default"}, public.WithSilentAccount(res.Account))
	if err != nil || again.AccessToken != g.AccessToken {
		t.Errorf("second silent call should hit MSAL's cache: %v", err)
	}
}

func TestMSALClientCredentials(t *testing.T) {
	em := startEmulator(t, Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	authority := "https://login.microsoftonline.com/" + em.World().TenantID
	reader := em.World().Apps[1]
	secret, err := confidential.NewCredFromSecret(reader.ClientSecret)
	if err != nil {
		t.Fatal(err)
	}
	certs, key, err := confidential.CertFromPEM(testkey.ReadPEM(t, reader.CertificatePath, reader.KeyPath), "")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := confidential.NewCredFromCert(certs, key)
	if err != nil {
		t.Fatal(err)
	}
	for name, cred := range map[string]confidential.Credential{"secret": secret, "certificate": cert} {
		app, err := confidential.New(authority, reader.ClientID, cred,
			confidential.WithHTTPClient(em.HTTPClient()), confidential.WithInstanceDiscovery(false))
		if err != nil {
			t.Fatal(err)
		}
		res, err := app.AcquireTokenByCredential(ctx, []string{"https://graph.microsoft.com/.default"})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		c := claimsOf(t, em, res.AccessToken)
		roles, _ := c["roles"].([]any)
		wantACR := map[string]string{"secret": "1", "certificate": "2"}[name]
		if c["aud"] != "https://graph.microsoft.com" || len(roles) != 2 || c["appidacr"] != wantACR || c["idtyp"] != "app" {
			t.Errorf("%s: claims %v", name, c)
		}
	}
}

func TestMSALInteractiveWithChromium(t *testing.T) {
	em, ctx, bctx := emulatorInChromium(t, 90*time.Second)
	alice := em.World().User("alice")
	browserErr := make(chan error, 1)
	app := msalPublic(t, em)
	res, err := app.AcquireTokenInteractive(ctx, []string{"https://management.core.windows.net//.default"},
		public.WithOpenURL(func(u string) error {
			go func() { browserErr <- signInWithBrowser(bctx, u, alice.Username, alice.Password) }()
			return nil
		}))
	if err != nil {
		select {
		case berr := <-browserErr:
			t.Fatalf("interactive: %v (browser: %v)", err, berr)
		default:
			t.Fatalf("interactive: %v", err)
		}
	}
	if c := claimsOf(t, em, res.AccessToken); c["aud"] != "https://management.core.windows.net/" || c["upn"] != alice.Username {
		t.Errorf("claims %v", c)
	}
	if res.IDToken.Audience != fixture.AzureCLI || res.Account.PreferredUsername != alice.Username {
		t.Errorf("id_token %+v", res.IDToken)
	}
}

// MSAL Go's account identity across tenants: after a home sign-in, a silent
// token for the partner tenant (where alice is a guest) has that tenant's tid
// and an id_token without oid, and MSAL still names the same home account
// (client_info uid.utid) in that realm.
func TestMSALGuestTenant(t *testing.T) {
	em := startEmulator(t, Config{ApproveAfter: 300 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	w, alice := em.World(), em.World().User("alice")
	partner := w.GuestTenants[0]
	app := msalPublic(t, em)
	dc, err := app.AcquireTokenByDeviceCode(ctx, []string{"https://management.core.windows.net//.default"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := dc.AuthenticationResult(ctx)
	if err != nil {
		t.Fatal(err)
	}
	g, err := app.AcquireTokenSilent(ctx, []string{"https://graph.microsoft.com/.default"},
		public.WithSilentAccount(res.Account), public.WithTenantID(partner.TenantID))
	if err != nil {
		t.Fatalf("silent for the partner tenant: %v", err)
	}
	if c := claimsOf(t, em, g.AccessToken); c["tid"] != partner.TenantID || c["oid"] == alice.ObjectID {
		t.Errorf("partner token claims %v", c)
	}
	if g.Account.HomeAccountID != alice.ObjectID+"."+w.TenantID || g.Account.Realm != partner.TenantID || g.IDToken.Oid != "" {
		t.Errorf("partner account %+v, id_token oid %q", g.Account, g.IDToken.Oid)
	}
	// The home realm's token is still MSAL's for the home account.
	home, err := app.AcquireTokenSilent(ctx, []string{"https://management.core.windows.net//.default"}, public.WithSilentAccount(res.Account))
	if err != nil || claimsOf(t, em, home.AccessToken)["tid"] != w.TenantID || home.Account.Realm == partner.TenantID {
		t.Errorf("home token after the guest one: %v %+v", err, home.Account)
	}
}
