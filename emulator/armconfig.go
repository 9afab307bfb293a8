package emulator

import (
	"github.com/azrepl/azrepl/emulator/arm"
	"github.com/azrepl/azrepl/emulator/world"
)

// armConfig is what ARM serves of the world: its subscriptions (some in
// guest tenants), the guest tenants, the directory's principals and the
// role assignments it authorizes every call with.
func armConfig(w *world.World) arm.Config {
	cfg := arm.Config{TenantID: w.TenantID, TenantDisplayName: w.DisplayName, DefaultDomain: w.Domain, RBAC: true}
	for _, s := range w.Subscriptions {
		cfg.Subscriptions = append(cfg.Subscriptions, arm.Subscription{ID: s.ID, DisplayName: s.DisplayName, State: s.State, TenantID: s.TenantID})
	}
	for _, g := range w.GuestTenants {
		cfg.Tenants = append(cfg.Tenants, arm.Tenant{ID: g.TenantID, DisplayName: g.DisplayName, DefaultDomain: g.Domain})
	}
	for i := range w.Users {
		u := &w.Users[i]
		p := arm.Principal{ObjectID: u.ObjectID, Type: "User", MemberOf: w.GroupsOf(u.Name, u.Username)}
		for j := range w.GuestTenants {
			if g := &w.GuestTenants[j]; g.HasGuest(u) {
				if p.GuestIDs == nil {
					p.GuestIDs = map[string]string{}
				}
				p.GuestIDs[g.TenantID] = g.GuestObjectID(u)
			}
		}
		cfg.Principals = append(cfg.Principals, p)
	}
	for _, a := range w.Apps {
		cfg.Principals = append(cfg.Principals, arm.Principal{ObjectID: a.ObjectID, Type: "ServicePrincipal", MemberOf: w.GroupsOf(a.Name, a.ClientID)})
	}
	for _, m := range w.ManagedIdentities {
		cfg.Principals = append(cfg.Principals, arm.Principal{ObjectID: m.ObjectID, Type: "ServicePrincipal", MemberOf: w.GroupsOf(m.Name, m.ClientID)})
	}
	for _, g := range w.Groups {
		cfg.Principals = append(cfg.Principals, arm.Principal{ObjectID: g.ID, Type: "Group"})
	}
	for _, a := range w.RoleAssignments {
		// Load checked every assignment; a seeded world's resolve.
		if r, err := w.ResolveAssignment(a); err == nil {
			cfg.RoleAssignments = append(cfg.RoleAssignments, arm.RoleAssignment{Scope: r.Scope, Role: r.RoleID,
				PrincipalID: r.PrincipalID, PrincipalType: r.PrincipalType})
		}
	}
	return cfg
}
