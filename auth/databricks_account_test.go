package auth

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/emulator"
)

// Account level: the service principal's M2M token from the account's own
// OAuth server, then the account API; no account id is one line.
func TestDatabricksAccountM2M(t *testing.T) {
	e := startEmulator(t, emulator.Config{})
	w := e.World()
	sp := w.Databricks.ServicePrincipal
	env := map[string]string{"DATABRICKS_CLIENT_ID": sp.ClientID, "DATABRICKS_CLIENT_SECRET": sp.ClientSecret, "DATABRICKS_ACCOUNT_ID": w.Databricks.AccountID}
	s := emulatorSession(t, e, env, nil)
	tok, cfg, err := s.DatabricksToken(context.Background(), DatabricksOptions{Host: w.Databricks.AccountsHost, Flow: "m2m"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.AccountID != w.Databricks.AccountID || tok.AccessToken == "" {
		t.Errorf("cfg %+v", cfg)
	}
	if iss, _ := tok.Claims["iss"].(string); !strings.Contains(iss, "/oidc/accounts/"+w.Databricks.AccountID) {
		t.Errorf("issuer %q is not the account's", iss)
	}
	delete(env, "DATABRICKS_ACCOUNT_ID")
	_, _, err = s.DatabricksToken(context.Background(), DatabricksOptions{Host: w.Databricks.AccountsHost, Flow: "m2m", Force: true})
	if err == nil || err.Error() != "databricks: the account host needs the account: pass accountId or set DATABRICKS_ACCOUNT_ID" {
		t.Errorf("no account id: %v", err)
	}
}

// Account level U2M: the browser goes to the account's own authorize
// endpoint, the token is the account's, the refresh token is kept for the
// account (a refresh needs no browser), and the workspace does not share it.
func TestDatabricksAccountU2M(t *testing.T) {
	e := startEmulator(t, emulator.Config{})
	w := e.World()
	u := w.Users[0]
	var opened []string
	browser := signIn(t, e, url.Values{"username": {u.Username}, "password": {u.Password}})
	s := emulatorSession(t, e, map[string]string{"DATABRICKS_ACCOUNT_ID": w.Databricks.AccountID, "DATABRICKS_HOST": w.Databricks.Host},
		func(authURL string) error { opened = append(opened, authURL); return browser(authURL) })
	ctx := context.Background()
	o := DatabricksOptions{Host: w.Databricks.AccountsHost, Flow: "u2m"}
	tok, _, err := s.DatabricksToken(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	wantAuthorize := "https://" + w.Databricks.AccountsHost + "/oidc/accounts/" + w.Databricks.AccountID + "/v1/authorize?"
	if len(opened) != 1 || !strings.HasPrefix(opened[0], wantAuthorize) || !strings.Contains(opened[0], "client_id=databricks-cli") ||
		!strings.Contains(opened[0], "code_challenge_method=S256") {
		t.Fatalf("browser opened %v, want %s…", opened, wantAuthorize)
	}
	if iss, _ := tok.Claims["iss"].(string); !strings.HasSuffix(iss, "/oidc/accounts/"+w.Databricks.AccountID) || tok.Claims["sub"] != u.Username {
		t.Errorf("token iss %v sub %v", tok.Claims["iss"], tok.Claims["sub"])
	}
	if again, _, err := s.DatabricksToken(ctx, o); err != nil || !again.FromCache {
		t.Fatalf("cached: %v", err)
	}
	o.Force = true
	refreshed, _, err := s.DatabricksToken(ctx, o)
	if err != nil || refreshed.FromCache || refreshed.AccessToken == tok.AccessToken || len(opened) != 1 {
		t.Fatalf("refresh: %v (browser opened %d times)", err, len(opened))
	}
	// The workspace has its own OAuth server: its U2M signs in anew.
	if _, _, err := s.DatabricksToken(ctx, DatabricksOptions{Flow: "u2m"}); err != nil || len(opened) != 2 ||
		!strings.HasPrefix(opened[1], "https://"+w.Databricks.Host+"/oidc/v1/authorize?") {
		t.Fatalf("workspace u2m after the account's: %v, opened %v", err, opened)
	}
}
