package emulator

import (
	"net"
	"strings"
)

// The host names the emulator answers for. Everything else is refused: the
// emulator never dials out.
const (
	hostLogin      = "login.microsoftonline.com"
	hostGraph      = "graph.microsoft.com"
	hostARM        = "management.azure.com"
	hostDevicePage = "microsoft.com"
	hostDatabricks = ".azuredatabricks.net"
)

// service names the handler a request goes to.
type service int

const (
	svcNone service = iota
	svcEntra
	svcGraph
	svcARM
	svcDeviceLogin
	svcDatabricks
)

func hostOnly(hostport string) string {
	h := hostport
	if host, _, err := net.SplitHostPort(hostport); err == nil {
		h = host
	}
	return strings.ToLower(strings.TrimSuffix(h, "."))
}

// serviceForHost maps a real cloud host name to its service; svcNone for any
// host the emulator does not serve (including loopback addresses).
func serviceForHost(host string) service {
	switch h := hostOnly(host); {
	case h == hostLogin:
		return svcEntra
	case h == hostGraph:
		return svcGraph
	case h == hostARM:
		return svcARM
	case h == hostDevicePage || h == "www."+hostDevicePage:
		return svcDeviceLogin
	case strings.HasSuffix(h, hostDatabricks) && len(h) > len(hostDatabricks):
		return svcDatabricks
	}
	return svcNone
}

// serviceForPath routes requests on the direct listener, where every service
// shares one origin.
func serviceForPath(path string) service {
	first := path
	if i := strings.IndexByte(strings.TrimPrefix(path, "/"), '/'); i >= 0 {
		first = path[:i+1]
	}
	switch first {
	case "/v1.0", "/beta":
		return svcGraph
	case "/subscriptions", "/tenants", "/providers":
		return svcARM
	case "/devicelogin":
		return svcDeviceLogin
	case "/oidc", "/api":
		return svcDatabricks
	}
	if strings.HasPrefix(path, "/.well-known/databricks-config") {
		return svcDatabricks
	}
	return svcEntra
}
