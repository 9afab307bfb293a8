package world

import "strings"

// Finding the world's objects: users by name, apps by client id, groups by
// index, guest tenants by id or domain.

// Group returns group i of the world: its listed groups, then the seeded.
func (w *World) Group(i int) Group {
	if i < len(w.Groups) {
		return w.Groups[i]
	}
	return SeededGroup(i - len(w.Groups))
}

// User finds a user by username (case-insensitive) or short name.
func (w *World) User(name string) *User {
	for i := range w.Users {
		u := &w.Users[i]
		if strings.EqualFold(u.Username, name) || strings.EqualFold(u.Name, name) {
			return u
		}
	}
	return nil
}

// App finds an app by client id (any case).
func (w *World) App(clientID string) *App {
	for i := range w.Apps {
		if strings.EqualFold(w.Apps[i].ClientID, clientID) {
			return &w.Apps[i]
		}
	}
	return nil
}

// GuestTenant finds a guest tenant by id or domain.
func (w *World) GuestTenant(seg string) *GuestTenant {
	for i := range w.GuestTenants {
		g := &w.GuestTenants[i]
		if strings.EqualFold(seg, g.TenantID) || strings.EqualFold(seg, g.Domain) {
			return g
		}
	}
	return nil
}

// HasGuest says whether u was invited to the tenant.
func (g *GuestTenant) HasGuest(u *User) bool {
	for _, n := range g.Guests {
		if strings.EqualFold(n, u.Name) || strings.EqualFold(n, u.Username) {
			return true
		}
	}
	return false
}

// GuestObjectID is the user's object in the inviting tenant: a guest
// account has its own oid there, not the home one.
func (g *GuestTenant) GuestObjectID(u *User) string {
	return SeedGUID("guest/" + strings.ToLower(g.TenantID) + "/" + u.ObjectID)
}
