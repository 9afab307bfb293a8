package auth

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/emulatortest"
	"github.com/azrepl/azrepl/internal/testkey"
)

// AZURE_CLIENT_CERTIFICATE_PATH names one file holding the key and the
// certificate, as azidentity reads it. A value that lists a certificate and
// a key kept elsewhere (joined by the path-list separator) is one path that
// does not exist: azrepl never signs with a key the environment picked from
// another file. Both the login and the refresh path read it so.
func TestCertificateFromTheEnvironmentIsOneFile(t *testing.T) {
	e := startEmulator(t, emulator.Config{})
	w := e.World()
	reader := emulatortest.App(t, e, "reader-app")
	env := func(path string) map[string]string {
		return map[string]string{"AZURE_TENANT_ID": w.TenantID, "AZURE_CLIENT_ID": reader.ClientID, "AZURE_CLIENT_CERTIFICATE_PATH": path}
	}
	listed := reader.CertificatePath + string(filepath.ListSeparator) + reader.KeyPath
	s := emulatorSession(t, e, env(listed), nil)
	if _, err := s.Login(context.Background(), LoginOptions{Flow: FlowCertificate}); err == nil {
		t.Fatalf("AZURE_CLIENT_CERTIFICATE_PATH=%s (a certificate and a key elsewhere) signed in", listed)
	}

	both := filepath.Join(t.TempDir(), "with-key.pem")
	if err := os.WriteFile(both, testkey.ReadPEM(t, reader.KeyPath, reader.CertificatePath), 0o600); err != nil {
		t.Fatal(err)
	}
	s = emulatorSession(t, e, env(both), nil)
	a, err := s.Login(context.Background(), LoginOptions{Flow: FlowCertificate})
	if err != nil {
		t.Fatalf("one file with the key and the certificate: %v", err)
	}
	if _, err := (certificateFlow{}).credential(s, *a); err != nil {
		t.Fatalf("the refresh path with one file: %v", err)
	}
	s2 := emulatorSession(t, e, env(listed), nil)
	if _, err := (certificateFlow{}).credential(s2, *a); err == nil {
		t.Fatal("the refresh path took a certificate and a key from two files")
	}
}
