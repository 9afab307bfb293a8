package auth

import (
	"context"
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
