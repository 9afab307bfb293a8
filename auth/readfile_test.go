//go:build unix

package auth

import (
	"context"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/emulatortest"
)

// A token file, a certificate or a profile named by the environment or a
// script may be a FIFO (open(2) waits for a writer forever, Ctrl-C
// included) or /dev/zero (read until memory runs out): each is refused with
// one line, at once.
func TestHostileTokenFilesAreRefused(t *testing.T) {
	e := startEmulator(t, emulator.Config{})
	w := e.World()
	app := emulatortest.App(t, e, "workload-app")
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	host := "https://" + w.Databricks.Host
	for _, bad := range []struct{ path, says string }{{fifo, "a FIFO"}, {"/dev/zero", "a device"}} {
		cases := []struct {
			name string
			env  map[string]string
			run  func(s *Session) error
		}{
			{"AZURE_FEDERATED_TOKEN_FILE", map[string]string{"AZURE_TENANT_ID": w.TenantID, "AZURE_CLIENT_ID": app.ClientID, "AZURE_FEDERATED_TOKEN_FILE": bad.path},
				func(s *Session) error {
					_, err := s.Login(context.Background(), LoginOptions{Flow: FlowWorkloadIdentity})
					return err
				}},
			{"tokenFile", map[string]string{"AZURE_TENANT_ID": w.TenantID, "AZURE_CLIENT_ID": app.ClientID},
				func(s *Session) error {
					_, err := s.Login(context.Background(), LoginOptions{Flow: FlowWorkloadIdentity, TokenFile: bad.path})
					return err
				}},
			{"DATABRICKS_OIDC_TOKEN_FILEPATH", map[string]string{"DATABRICKS_HOST": host, "DATABRICKS_CLIENT_ID": w.Databricks.ServicePrincipal.ClientID, "DATABRICKS_OIDC_TOKEN_FILEPATH": bad.path},
				func(s *Session) error {
					_, _, err := s.DatabricksToken(context.Background(), DatabricksOptions{Flow: DatabricksFileOIDC})
					return err
				}},
			{"databricks tokenFile", map[string]string{"DATABRICKS_HOST": host, "DATABRICKS_CLIENT_ID": w.Databricks.ServicePrincipal.ClientID},
				func(s *Session) error {
					_, _, err := s.DatabricksToken(context.Background(), DatabricksOptions{Flow: DatabricksFileOIDC, TokenFile: bad.path})
					return err
				}},
			{"AZURE_CLIENT_CERTIFICATE_PATH", map[string]string{"AZURE_TENANT_ID": w.TenantID, "AZURE_CLIENT_ID": app.ClientID, "AZURE_CLIENT_CERTIFICATE_PATH": bad.path},
				func(s *Session) error {
					_, err := s.Login(context.Background(), LoginOptions{Flow: FlowCertificate})
					return err
				}},
			{"DATABRICKS_CONFIG_FILE", map[string]string{"DATABRICKS_CONFIG_FILE": bad.path, "DATABRICKS_CONFIG_PROFILE": "prod"},
				func(s *Session) error {
					_, _, err := s.DatabricksToken(context.Background(), DatabricksOptions{Profile: "prod"})
					return err
				}},
		}
		for _, c := range cases {
			t.Run(filepath.Base(bad.path)+"/"+c.name, func(t *testing.T) {
				s := emulatorSession(t, e, c.env, nil)
				done := make(chan error, 1)
				go func() { done <- c.run(s) }()
				var err error
				select {
				case err = <-done:
				case <-time.After(time.Minute): // a hang is the failure, not a timing
					t.Fatalf("%s=%s: still reading after a minute", c.name, bad.path)
				}
				if err == nil || !strings.Contains(err.Error(), bad.says) || strings.Contains(err.Error(), "\n") {
					t.Errorf("%s=%s: %v, want one line saying %q", c.name, bad.path, err, bad.says)
				}
			})
		}
	}
}
