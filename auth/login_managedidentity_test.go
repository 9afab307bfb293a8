package auth

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/emulator"
)

// miEnv is the environment a style's real host sets, as a map.
func miEnv(e *emulator.Emulator, style string) map[string]string {
	env := map[string]string{}
	for _, kv := range e.ManagedIdentityEnv(style) {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	return env
}

func managedIdentity(w *emulator.World, name string) emulator.ManagedIdentity {
	for _, mi := range w.ManagedIdentities {
		if mi.Name == name {
			return mi
		}
	}
	panic("no managed identity " + name)
}

// Each style: login, a token for another resource, and a new process (a new
// session on the same cache) that finds the endpoint again.
func TestManagedIdentityStyles(t *testing.T) {
	e := startEmulator(t, emulator.Config{})
	vm := managedIdentity(e.World(), "contoso-vm")
	for _, style := range []string{"appservice", "cloudshell", "arc", "imds"} {
		t.Run(style, func(t *testing.T) {
			env := miEnv(e, style)
			s := emulatorSession(t, e, env, nil)
			ctx := context.Background()
			a, err := s.Login(ctx, LoginOptions{Flow: FlowManagedIdentity})
			if err != nil {
				t.Fatal(err)
			}
			if a.ClientID != vm.ClientID || a.ObjectID != vm.ObjectID || a.TenantID != e.World().TenantID || a.Flow != FlowManagedIdentity {
				t.Fatalf("account %+v, want the VM's identity %+v", a, vm)
			}
			if !strings.HasPrefix(a.Source, "endpoint ") || !strings.Contains(a.Source, "system-assigned") {
				t.Errorf("source %q", a.Source)
			}
			tok, err := s.Token(ctx, "https://graph.microsoft.com/.default", TokenOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if tok.Audience != "https://graph.microsoft.com" || tok.Claims["xms_mirid"] != vm.ResourceID || tok.FromCache {
				t.Errorf("graph token: aud %q claims %v", tok.Audience, tok.Claims)
			}
			// Another process: same home, the endpoint found again.
			s2, err := NewSession(Config{HTTP: e.HTTPClient(), Home: s.cfg.Home, Getenv: func(k string) string { return env[k] }})
			if err != nil {
				t.Fatal(err)
			}
			tok, err = s2.Token(ctx, "https://storage.azure.com/.default", TokenOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if tok.Audience != "https://storage.azure.com" || tok.ClientID != vm.ClientID {
				t.Errorf("storage token from a new session: aud %q client %q", tok.Audience, tok.ClientID)
			}
		})
	}
}

func TestManagedIdentityUserAssigned(t *testing.T) {
	e := startEmulator(t, emulator.Config{})
	ci := managedIdentity(e.World(), "ci-identity")
	for _, tc := range []struct {
		style string
		o     LoginOptions
	}{
		{"appservice", LoginOptions{ClientID: ci.ClientID}},
		{"appservice", LoginOptions{ObjectID: ci.ObjectID}},
		{"imds", LoginOptions{ResourceID: ci.ResourceID}},
		{"imds", LoginOptions{ClientID: ci.ClientID}},
	} {
		s := emulatorSession(t, e, miEnv(e, tc.style), nil)
		tc.o.Flow = FlowManagedIdentity
		tc.o.Scope = "https://graph.microsoft.com/.default"
		a, err := s.Login(context.Background(), tc.o)
		if err != nil {
			t.Fatalf("%s %+v: %v", tc.style, tc.o, err)
		}
		if a.ClientID != ci.ClientID || !strings.Contains(a.Source, "user-assigned") {
			t.Errorf("%s: account %+v", tc.style, a)
		}
		tok, err := s.Token(context.Background(), "https://graph.microsoft.com/.default", TokenOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if roles := claimString(tok.Claims["roles"]); roles != "Group.Read.All" || !tok.FromCache {
			t.Errorf("%s: roles %q fromCache %v", tc.style, roles, tok.FromCache)
		}
		// ARM after Graph: the same user-assigned identity, not the VM's.
		tok, err = s.Token(context.Background(), "", TokenOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if tok.Claims["appid"] != ci.ClientID || tok.Audience != "https://management.core.windows.net/" {
			t.Errorf("%s: ARM token appid %v aud %q", tc.style, tok.Claims["appid"], tok.Audience)
		}
	}
}

func claimString(v any) string {
	if l, ok := v.([]any); ok {
		var s []string
		for _, x := range l {
			s = append(s, x.(string))
		}
		return strings.Join(s, " ")
	}
	s, _ := v.(string)
	return s
}

// Each failure is one line that says what to do.
func TestManagedIdentityFailures(t *testing.T) {
	e := startEmulator(t, emulator.Config{})
	closed := func() string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		return "http://" + addr
	}()
	app := miEnv(e, "appservice")
	arc := miEnv(e, "arc")
	wrongHeader := map[string]string{"IDENTITY_ENDPOINT": app["IDENTITY_ENDPOINT"], "IDENTITY_HEADER": "not-the-header"}
	otherDir := map[string]string{}
	for k, v := range arc {
		otherDir[k] = v
	}
	otherDir["AZREPL_ARC_TOKENS_DIR"] = t.TempDir()
	for _, tc := range []struct {
		name string
		env  map[string]string
		o    LoginOptions
		want string
	}{
		{"no variables", nil, LoginOptions{}, "no endpoint in the environment (IDENTITY_ENDPOINT + IDENTITY_HEADER, MSI_ENDPOINT"},
		{"half of App Service", map[string]string{"IDENTITY_ENDPOINT": app["IDENTITY_ENDPOINT"]}, LoginOptions{}, "IDENTITY_ENDPOINT is set but neither IDENTITY_HEADER"},
		{"unreachable", map[string]string{"AZURE_POD_IDENTITY_AUTHORITY_HOST": closed}, LoginOptions{}, "the endpoint AZURE_POD_IDENTITY_AUTHORITY_HOST=" + closed + "/metadata/identity/oauth2/token is unreachable"},
		{"unknown identity", app, LoginOptions{ClientID: "00000000-1111-2222-3333-444444444444"}, "HTTP 400: Identity not found"},
		{"unknown identity IMDS", miEnv(e, "imds"), LoginOptions{ObjectID: "00000000-1111-2222-3333-444444444444"}, "HTTP 400: invalid_request: Identity not found"},
		{"wrong header", wrongHeader, LoginOptions{}, "HTTP 401: The X-IDENTITY-HEADER header does not match"},
		{"two selectors", app, LoginOptions{ClientID: "a", ObjectID: "b"}, "by one of clientId, objectId or resourceId, not several"},
		{"Cloud Shell user-assigned", miEnv(e, "cloudshell"), LoginOptions{ClientID: "a"}, "Cloud Shell supports only the system-assigned identity"},
		{"Arc key elsewhere", otherDir, LoginOptions{}, "not a .key file in " + otherDir["AZREPL_ARC_TOKENS_DIR"] + ": refused"},
		{"unknown resource", app, LoginOptions{Scope: "https://nothing.example/.default"}, "AADSTS500011: The resource principal named https://nothing.example was not found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.o.Flow = FlowManagedIdentity
			msg := loginFails(t, e, tc.env, tc.o, tc.want)
			if h := app["IDENTITY_HEADER"]; strings.Contains(msg, h) {
				t.Error("the identity header is in the error")
			}
		})
	}
}

// The Arc key file is read from the agent's folder only; the trace learns
// the key and the identity header as secrets.
func TestManagedIdentitySecretsLearned(t *testing.T) {
	e := startEmulator(t, emulator.Config{})
	var learned []string
	for _, style := range []string{"appservice", "arc"} {
		env := miEnv(e, style)
		s, err := NewSession(Config{HTTP: e.HTTPClient(), Home: t.TempDir(), Getenv: func(k string) string { return env[k] },
			Secret: func(v string) { learned = append(learned, v) }})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Login(context.Background(), LoginOptions{Flow: FlowManagedIdentity}); err != nil {
			t.Fatal(err)
		}
	}
	app := miEnv(e, "appservice")
	keys, _ := filepath.Glob(filepath.Join(miEnv(e, "arc")["AZREPL_ARC_TOKENS_DIR"], "*.key"))
	if len(keys) == 0 {
		t.Fatal("the Arc challenge wrote no key file")
	}
	key, _ := os.ReadFile(keys[len(keys)-1])
	joined := strings.Join(learned, "\n")
	if !strings.Contains(joined, app["IDENTITY_HEADER"]) || !strings.Contains(joined, string(key)) {
		t.Errorf("learned %d secrets; the identity header and the Arc key must be among them", len(learned))
	}
}
