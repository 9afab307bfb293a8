package emulator

import (
	"crypto/tls"
	"time"

	"github.com/azrepl/azrepl/internal/leafca"
)

// newAuthority is the emulator's own certificate authority: any served host
// name gets a certificate that verifies against ca.pem. Its key stays in
// memory; each start makes a new one.
func newAuthority() (*leafca.CA, error) {
	return leafca.New(leafca.Config{Name: "azrepl emulator CA", Organization: "azrepl emulator", Lifetime: 30 * 24 * time.Hour, Backdate: time.Hour})
}

// serverTLS serves a certificate for whatever SNI name the client asks for;
// the proxy has already refused hosts the emulator does not serve.
func serverTLS(ca *leafca.CA) *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		// HTTP/1.1 only: the fault injector needs to hijack connections.
		NextProtos:     []string{"http/1.1"},
		GetCertificate: ca.GetCertificate,
	}
}
