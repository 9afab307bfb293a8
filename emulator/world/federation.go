package world

import "strings"

// Workload identity federation: the emulator runs an OIDC issuer (as a
// Kubernetes cluster or GitHub Actions would) on its direct listener under
// IssuerPath, and the seeded apps and Databricks policies trust it under a
// placeholder, replaced by the running issuer's URL.
const (
	IssuerPath        = "/federation"
	IssuerPlaceholder = "{emulator}" + IssuerPath // in tenant.json: the emulator's own issuer
	WorkloadSubject   = "system:serviceaccount:default:workload"
	WorkloadAudience  = "api://AzureADTokenExchange"
)

// ResolveIssuer replaces the placeholder issuer of the apps' federated
// credentials with the running one.
func (w *World) ResolveIssuer(issuer string) {
	for i := range w.Apps {
		for j := range w.Apps[i].FederatedCredentials {
			fc := &w.Apps[i].FederatedCredentials[j]
			fc.Issuer = strings.ReplaceAll(fc.Issuer, IssuerPlaceholder, issuer)
		}
	}
}
