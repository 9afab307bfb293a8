package world

import (
	"fmt"
	"strings"

	"github.com/azrepl/azrepl/internal/azroles"
)

// RoleAssignment gives a principal of the world an Azure built-in role over
// a scope (Azure RBAC, checked by the emulator's ARM).
type RoleAssignment struct {
	// Principal is a user (short name or username), an app (name or client
	// id), a managed identity (name or client id), a group (display name
	// or id) or an object id. A user assigned a role in a guest tenant's
	// subscription is their guest object there.
	Principal string `json:"principal"`
	Role      string `json:"role"`            // a built-in role's name ("Owner") or id
	Scope     string `json:"scope,omitempty"` // "/subscriptions/{id}[/resourceGroups/{name}]"; "" = the first subscription
}

// ResolvedAssignment is an assignment with the principal's object id and type.
type ResolvedAssignment struct {
	Scope, RoleID, PrincipalID, PrincipalType string
}

// seedRoleAssignments: alice owns the subscription and bob reads it;
// reader-app may read it and workload-app (CI) change it; the VM's identity
// is a Contributor, the CI identity a Reader; story-app, like a new app,
// has no Azure role. alice reads the partner tenant's subscription as a
// guest. Principals the world lacks are left out.
func seedRoleAssignments(w *World) []RoleAssignment {
	out := []RoleAssignment{}
	for _, a := range []RoleAssignment{
		{Principal: "alice", Role: "Owner"}, {Principal: "bob", Role: "Reader"},
		{Principal: "reader-app", Role: "Reader"}, {Principal: "workload-app", Role: "Contributor"},
		{Principal: "contoso-vm", Role: "Contributor"}, {Principal: "ci-identity", Role: "Reader"},
	} {
		if _, err := w.ResolveAssignment(a); err == nil {
			out = append(out, a)
		}
	}
	for _, s := range w.Subscriptions {
		if s.TenantID != "" && !strings.EqualFold(s.TenantID, w.TenantID) {
			a := RoleAssignment{Principal: "alice", Role: "Reader", Scope: "/subscriptions/" + s.ID}
			if _, err := w.ResolveAssignment(a); err == nil {
				out = append(out, a)
			}
		}
	}
	return out
}

// ResolveAssignment finds the assignment's role, scope and principal.
func (w *World) ResolveAssignment(a RoleAssignment) (ResolvedAssignment, error) {
	role, ok := azroles.ByName(a.Role)
	if !ok {
		if role, ok = azroles.ByID(a.Role); !ok {
			return ResolvedAssignment{}, fmt.Errorf("role assignment of %q: %q is not a built-in role", a.Principal, a.Role)
		}
	}
	scope := a.Scope
	if scope == "" {
		if len(w.Subscriptions) == 0 {
			return ResolvedAssignment{}, fmt.Errorf("role assignment of %q: no scope and no subscription", a.Principal)
		}
		scope = "/subscriptions/" + w.Subscriptions[0].ID
	}
	sub, ok := w.scopeSubscription(scope)
	if !ok {
		return ResolvedAssignment{}, fmt.Errorf("role assignment of %q: scope %q is not one of the world's subscriptions or a resource group in one", a.Principal, scope)
	}
	oid, typ, err := w.principal(a.Principal, sub.TenantID)
	if err != nil {
		return ResolvedAssignment{}, fmt.Errorf("role assignment: %w", err)
	}
	return ResolvedAssignment{Scope: scope, RoleID: role.ID, PrincipalID: oid, PrincipalType: typ}, nil
}

func (w *World) scopeSubscription(scope string) (Subscription, bool) {
	rest, ok := strings.CutPrefix(strings.ToLower(scope), "/subscriptions/")
	id, after, _ := strings.Cut(rest, "/")
	if !ok || (after != "" && !strings.HasPrefix(after, "resourcegroups/")) {
		return Subscription{}, false
	}
	for _, s := range w.Subscriptions {
		if strings.EqualFold(s.ID, id) {
			return s, true
		}
	}
	return Subscription{}, false
}

// principal is the object id and type of a name in a tenant ("" = home).
func (w *World) principal(name, tenant string) (oid, typ string, err error) {
	var guest *GuestTenant
	if tenant != "" && !strings.EqualFold(tenant, w.TenantID) {
		if guest = w.GuestTenant(tenant); guest == nil {
			return "", "", fmt.Errorf("%q: tenant %s is not the world's or one of its guest tenants", name, tenant)
		}
	}
	if u := w.User(name); u != nil {
		if guest == nil {
			return u.ObjectID, "User", nil
		}
		if !guest.HasGuest(u) {
			return "", "", fmt.Errorf("%q is not a guest in tenant %s", name, guest.Domain)
		}
		return guest.GuestObjectID(u), "User", nil
	}
	if guest != nil {
		return "", "", fmt.Errorf("%q is not a user invited to tenant %s", name, guest.Domain)
	}
	for _, a := range w.Apps {
		if strings.EqualFold(a.Name, name) || strings.EqualFold(a.ClientID, name) || strings.EqualFold(a.ObjectID, name) {
			return a.ObjectID, "ServicePrincipal", nil
		}
	}
	for _, m := range w.ManagedIdentities {
		if strings.EqualFold(m.Name, name) || strings.EqualFold(m.ClientID, name) || strings.EqualFold(m.ObjectID, name) {
			return m.ObjectID, "ServicePrincipal", nil
		}
	}
	for _, g := range w.Groups {
		if strings.EqualFold(g.DisplayName, name) || strings.EqualFold(g.ID, name) {
			return g.ID, "Group", nil
		}
	}
	for _, u := range w.Users {
		if strings.EqualFold(u.ObjectID, name) {
			return u.ObjectID, "User", nil
		}
	}
	return "", "", fmt.Errorf("%q is no user, app, managed identity or group of the world", name)
}

// GroupsOf lists the ids of the listed groups a user or app is a member of.
func (w *World) GroupsOf(names ...string) []string {
	var out []string
	for _, g := range w.Groups {
		for _, m := range g.Members {
			for _, n := range names {
				if n != "" && strings.EqualFold(m, n) {
					out = append(out, g.ID)
				}
			}
		}
	}
	return out
}
