package world

import "strings"

// GuestTenant is another tenant that invited some of the world's users as
// guests (B2B). Its tokens carry its own tid; client_info keeps naming the
// home tenant (MSAL's account identity is uid.utid), and the id_token has
// no oid, as real guest sign-ins show.
type GuestTenant struct {
	TenantID    string   `json:"tenantId"`
	Domain      string   `json:"domain"`
	DisplayName string   `json:"displayName"`
	Guests      []string `json:"guests"` // usernames or short names of the world's users
}

// partnerTenantName is the seeded guest tenant's short name (its domain's first label).
const partnerTenantName = "contoso-partner"

func seedGuestTenant() GuestTenant {
	return GuestTenant{TenantID: SeedGUID("tenant/" + partnerTenantName), Domain: partnerTenantName + ".onmicrosoft.com",
		DisplayName: "Contoso Partner", Guests: []string{"alice"}}
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
