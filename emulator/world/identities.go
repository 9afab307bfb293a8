package world

// ManagedIdentity is an identity Azure compute can get tokens as.
type ManagedIdentity struct {
	Name       string `json:"name"`
	Type       string `json:"type"` // "system" or "user"
	ClientID   string `json:"clientId"`
	ObjectID   string `json:"objectId"`
	ResourceID string `json:"resourceId"`
	// GraphAppRoles are the Graph application permissions granted to it.
	GraphAppRoles []string `json:"graphAppRoles,omitempty"`
}

// seedManagedIdentities: the VM's system-assigned identity and one
// user-assigned identity that may read Graph groups.
func seedManagedIdentities(w *World) []ManagedIdentity {
	sub := "00000000-0000-0000-0000-000000000000"
	if len(w.Subscriptions) > 0 {
		sub = w.Subscriptions[0].ID
	}
	rg := "/subscriptions/" + sub + "/resourceGroups/contoso-rg/providers/"
	return []ManagedIdentity{
		{Name: "contoso-vm", Type: "system", ClientID: SeedGUID("mi/contoso-vm"), ObjectID: SeedGUID("mi-sp/contoso-vm"),
			ResourceID: rg + "Microsoft.Compute/virtualMachines/contoso-vm"},
		{Name: "ci-identity", Type: "user", ClientID: SeedGUID("mi/ci-identity"), ObjectID: SeedGUID("mi-sp/ci-identity"),
			ResourceID: rg + "Microsoft.ManagedIdentity/userAssignedIdentities/ci-identity", GraphAppRoles: []string{"Group.Read.All"}},
	}
}
