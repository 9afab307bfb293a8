package entra

import "time"

// What the tests of package entra_test need from inside.
const (
	AssertionType  = assertionType
	JWTBearerGrant = jwtBearerGrant
	LoopLimit      = loopLimit
)

var CLIGraph = cliGraph

// ExpireDevice makes a pending device code expired.
func (e *Server) ExpireDevice(deviceCode string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.devices[deviceCode].expires = time.Now().Add(-time.Second)
}
