package entra

import "github.com/azrepl/azrepl/emulator/world"

// errNotGuest is AADSTS50020: the user is neither member nor guest of the tenant.
func (e *Server) errNotGuest(u *world.User, g *world.GuestTenant, clientID string) *entraError {
	return newEntraError(400, "invalid_grant", 50020,
		"User account '%s' from identity provider 'https://sts.windows.net/%s/' does not exist in tenant '%s' and cannot access the application '%s'(%s) in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Azure Active Directory user account.",
		u.Username, e.world.TenantID, g.DisplayName, clientID, clientID)
}
