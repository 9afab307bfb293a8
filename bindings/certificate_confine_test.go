//go:build unix

package bindings_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/azrepl/azrepl/internal/testkey"
)

// A confined certificate path stays one path: a name holding the list
// separator (":") inside the script's folder cannot be split afterwards
// into a certificate there and a private key elsewhere. Here the key is the
// emulator's, outside the script's folder; the folder holds the matching
// certificate as "x" and the folders "x:/<the key's folder>".
func TestCertificatePathsAreNotSplitAfterConfinement(t *testing.T) {
	h := newHarness(t)
	reader := h.app("reader-app")
	certPEM, keyPEM := testkey.ReadPEM(t, reader.CertificatePath), testkey.ReadPEM(t, reader.KeyPath)
	if err := os.WriteFile(filepath.Join(h.dir, "x"), certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(h.dir+"/x:"+filepath.Dir(reader.KeyPath), 0o700); err != nil {
		t.Fatal(err)
	}
	login := func(paths string) string {
		return fmt.Sprintf(`login({flow: "certificate", tenant: %q, clientId: %q, certificate: %s})`, h.world.TenantID, reader.ClientID, paths)
	}
	h.thrown(login(fmt.Sprintf("%q", h.dir+"/x:"+reader.KeyPath)))
	if e := h.thrown(`token("https://graph.microsoft.com/.default")`); e["code"] != "UNAUTHENTICATED" {
		t.Fatalf("after the refused login, token() threw %v, want UNAUTHENTICATED", e)
	}

	// A list of files in the folder still works.
	if err := os.WriteFile(filepath.Join(h.dir, "app.key"), keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if got := h.value(login(fmt.Sprintf("[%q, %q]", filepath.Join(h.dir, "x"), filepath.Join(h.dir, "app.key")))); got["clientId"] != reader.ClientID {
		t.Fatalf("a certificate and its key in the script's folder: %v", got)
	}
}
