package entra

import (
	"time"

	"github.com/azrepl/azrepl/internal/firstparty"
)

// What the tests of package entra_test need from inside.
const (
	AssertionType  = assertionType
	JWTBearerGrant = jwtBearerGrant
	LoopLimit      = loopLimit
)

// CLIGraph is what the Azure CLI is pre-authorized for at Graph.
var CLIGraph = findFirstParty(firstparty.AzureCLI).Preauth["graph"]

// ExpireDevice makes a pending device code expired.
func (e *Server) ExpireDevice(deviceCode string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.devices[deviceCode].expires = time.Now().Add(-time.Second)
}
