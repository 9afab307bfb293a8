package auth

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/emulatortest"
)

func TestPasswordAgainstEmulator(t *testing.T) {
	e := startEmulator(t, emulator.Config{})
	alice := e.World().Users[0]
	var learned []string
	s, err := NewSession(Config{HTTP: e.HTTPClient(), Home: t.TempDir(), Getenv: func(string) string { return "" },
		Secret: func(v string) { learned = append(learned, v) }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a, err := s.Login(ctx, LoginOptions{Flow: FlowPassword, Username: alice.Username, Password: alice.Password})
	if err != nil {
		t.Fatal(err)
	}
	if a.Username != alice.Username || a.Flow != FlowPassword || a.ClientID != AzureCLIClientID {
		t.Errorf("account %+v", a)
	}
	if len(learned) == 0 || learned[0] != alice.Password {
		t.Error("the password was not handed to the trace's masking")
	}
	// Later tokens come from the refresh token, not the password.
	if tok, err := s.Token(ctx, "https://graph.microsoft.com", TokenOptions{}); err != nil || tok.Claims["upn"] != alice.Username {
		t.Fatalf("graph token: %v", err)
	}
	raw, _ := readFileString(s.cache.path)
	if strings.Contains(raw, alice.Password) {
		t.Error("the password is in tokens.json")
	}
	for _, tc := range []struct{ user, pass, want string }{
		{alice.Username, "wrong-password", "password sign-in: wrong username or password for " + alice.Username + " (AADSTS50126)"},
		{"nobody@" + e.World().Domain, "x", "password sign-in: no user nobody@" + e.World().Domain + " in the tenant (AADSTS50034)"},
		{"alice@fabrikam.example", "x", "Entra knows no tenant for the domain of alice@fabrikam.example"},
		{"", "x", "the password flow needs a username: pass username or set AZURE_USERNAME"},
		{alice.Username, "", "the password flow needs a password: pass password or set AZURE_PASSWORD"},
	} {
		_, err := s.Login(ctx, LoginOptions{Flow: FlowPassword, Username: tc.user, Password: tc.pass})
		if err == nil || err.Error() != tc.want && !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v, want %q", tc.user, err, tc.want)
		}
		if err != nil && tc.pass != "" && tc.pass != "x" && strings.Contains(err.Error(), tc.pass) {
			t.Error("the password is in the error")
		}
	}
}

// A federated domain (which the emulator's world does not have) against a
// scripted Entra: one line, and the password grant is never sent for a
// federated user.
func TestPasswordFederatedRealm(t *testing.T) {
	var tokenCalls int
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/common/UserRealm/"):
			writeJSON(w, 200, map[string]any{"ver": "1.0", "account_type": "Federated", "domain_name": strings.SplitN(r.URL.Path, "@", 2)[1],
				"federation_protocol": "WSTrust"})
		case strings.HasSuffix(r.URL.Path, "/oauth2/v2.0/token"):
			tokenCalls++
			http.Error(w, "not expected", http.StatusBadRequest)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	s, err := NewSession(Config{HTTP: srv.Client(), Home: t.TempDir(), Cloud: Cloud{Name: "test", AuthorityHost: srv.URL}, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Login(context.Background(), LoginOptions{Flow: FlowPassword, Username: "carol@fabrikam.example", Password: "p4ss-word-1"})
	if err == nil || err.Error() != "password sign-in: carol@fabrikam.example is in the federated domain fabrikam.example, whose passwords another identity provider checks: use the browser or device flow" {
		t.Errorf("federated: %v", err)
	}
	if tokenCalls != 0 {
		t.Error("the password was sent for a federated user")
	}
}

// MFA: the emulator's carol must do MFA for Graph. Her right password for
// Graph gets AADSTS50076 in one line (the code kept); for ARM, where no MFA
// is required of her, the same password works.
func TestPasswordMFAAgainstEmulator(t *testing.T) {
	e := startEmulator(t, emulator.Config{})
	carol := emulatortest.User(t, e, "carol")
	if len(carol.MFARequired) == 0 {
		t.Fatal("the emulator's carol has no MFA requirement")
	}
	s := emulatorSession(t, e, nil, nil)
	ctx := context.Background()
	_, err := s.Login(ctx, LoginOptions{Flow: FlowPassword, Username: carol.Username, Password: carol.Password, Scope: "https://graph.microsoft.com/.default"})
	var ee *EntraError
	want := "password sign-in: " + carol.Username + " must use multi-factor authentication, which the password flow cannot do (AADSTS50076): use the device or browser flow"
	if err == nil || err.Error() != want || !errorsAs(err, &ee) || !ee.HasCode(50076) {
		t.Errorf("MFA: %v, want %q", err, want)
	}
	if err != nil && strings.Contains(err.Error(), carol.Password) {
		t.Error("the password is in the error")
	}
	a, err := s.Login(ctx, LoginOptions{Flow: FlowPassword, Username: carol.Username, Password: carol.Password})
	if err != nil || a.Username != carol.Username {
		t.Fatalf("carol for ARM (no MFA required there): %v", err)
	}
}

func readFileString(p string) (string, error) {
	b, err := os.ReadFile(p)
	return string(b), err
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }
