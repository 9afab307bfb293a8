package emulator

import (
	"net/http"

	"github.com/azrepl/azrepl/emulator/entra"
)

// The host names the emulator answers for. Everything else is refused: the
// emulator never dials out.
const (
	hostLogin      = entra.Host
	hostGraph      = "graph.microsoft.com"
	hostARM        = "management.azure.com"
	hostDevicePage = "microsoft.com"
	hostDatabricks = ".azuredatabricks.net"
)

// Service is one emulated service: the cloud host names it answers for
// (through the proxy), the first path segments that reach it on the direct
// listener, and its handler. Every service is one row of Emulator.services;
// adding a service is adding a row (see services in resources.go).
type Service struct {
	Name     string   // "entra", "graph", ...: used in logs and by ServiceURL
	Hosts    []string // exact host names, lower case
	Suffixes []string // host name suffixes, e.g. ".azuredatabricks.net" (after exact hosts of every row)
	Paths    []string // path prefixes (whole segments) on the direct listener, e.g. "/v1.0"
	Fallback bool     // the direct listener's default for paths no row claims (Entra: "/{tenant}/...")
	// Listen, when set, gives the service its own plain-HTTP loopback
	// listener (e.g. "127.0.0.1:0") as well, for endpoints that are plain
	// HTTP in the cloud (managed identity). ServiceURL returns its origin.
	Listen  string
	Handler http.Handler
}

// msiService is the service table's row name (its own listener).
const msiService = "managed-identity"
