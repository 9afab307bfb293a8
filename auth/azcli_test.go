package auth

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAzCLIImportAndRedeem(t *testing.T) {
	fe := newFakeEntra(t)
	var sawRT string
	fe.setToken(func(w http.ResponseWriter, tenant string, f url.Values) {
		sawRT = f.Get("refresh_token")
		writeJSON(w, 200, userTokenBody(t, "https://graph.microsoft.com", "https://graph.microsoft.com/.default", "rt-new", true))
	})
	fixture, _ := filepath.Abs("testdata/azcli")
	before, _ := os.ReadFile(filepath.Join(fixture, "msal_token_cache.json"))
	s, err := NewSession(Config{HTTP: fe.publicCloudClient(), Home: t.TempDir(),
		Getenv: func(k string) string { return map[string]string{"AZURE_CONFIG_DIR": fixture}[k] }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// The default account comes from azureProfile.json (with its BOM).
	a, err := s.Login(ctx, LoginOptions{Flow: FlowAzCLI})
	if err != nil {
		t.Fatal(err)
	}
	if a.Username != "bob@contoso.test" || a.TenantID != "11111111-2222-3333-4444-555555555555" ||
		a.ObjectID != "bbbbbbbb-bbbb-cccc-dddd-eeeeeeeeeeee" || a.ClientID != AzureCLIClientID || a.Flow != FlowAzCLI {
		t.Fatalf("account: %+v", a)
	}
	tok, err := s.Token(ctx, "https://graph.microsoft.com/.default", TokenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if sawRT != "fake-az-rt-bob" || tok.Audience != "https://graph.microsoft.com" {
		t.Fatalf("redeemed %q, token %+v", sawRT, tok)
	}
	// loginHint picks another account.
	a, err = s.Login(ctx, LoginOptions{Flow: FlowAzCLI, LoginHint: "alice@contoso.test"})
	if err != nil || a.Username != "alice@contoso.test" {
		t.Fatalf("hint: %+v %v", a, err)
	}
	if _, err := s.Login(ctx, LoginOptions{Flow: FlowAzCLI, LoginHint: "carol@contoso.test"}); err == nil ||
		!strings.Contains(err.Error(), "alice@contoso.test, bob@contoso.test") {
		t.Fatalf("unknown user: %v", err)
	}
	after, _ := os.ReadFile(filepath.Join(fixture, "msal_token_cache.json"))
	if string(before) != string(after) {
		t.Fatal("the Azure CLI cache was modified")
	}
}

func TestAzCLIMissingCache(t *testing.T) {
	fe := newFakeEntra(t)
	dir := t.TempDir()
	s := newTestSession(t, fe, map[string]string{"AZURE_CONFIG_DIR": dir})
	_, err := s.Login(context.Background(), LoginOptions{Flow: FlowAzCLI})
	if err == nil || !strings.Contains(err.Error(), "az login") {
		t.Fatalf("got %v", err)
	}
}
