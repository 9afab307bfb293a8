//go:build !emulator_resources

package emulator

import "net/http"

// mountServices mounts Entra and the device login page; the resource servers
// are wired in resources.go.
func (em *Emulator) mountServices() {
	em.services = map[service]http.Handler{
		svcEntra:       em.entra,
		svcDeviceLogin: &deviceLoginPage{entra: em.entra},
	}
	em.dbHosts = map[string]bool{em.world.Databricks.Host: true, em.world.Databricks.AccountsHost: true}
}
