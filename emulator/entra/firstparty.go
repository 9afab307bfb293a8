package entra

import (
	"strings"

	"github.com/azrepl/azrepl/internal/firstparty"
)

// graphExposed is what Graph exposes as delegated permissions (a named scope
// outside is AADSTS70011): the union of the catalogue plus common others.
var graphExposed = func() map[string]bool {
	m := map[string]bool{}
	for _, fp := range firstparty.Clients() {
		for _, p := range fp.Preauth["graph"] {
			m[strings.ToLower(p)] = true
		}
	}
	for _, p := range []string{"Application.Read.All", "Directory.ReadWrite.All", "Group.Read.All", "GroupMember.Read.All",
		"Mail.ReadBasic", "Calendars.ReadBasic", "Files.ReadWrite", "Sites.ReadWrite.All", "Notes.ReadWrite", "email",
		"openid", "profile", "offline_access", "User.ReadWrite.All", "RoleManagement.Read.Directory", "Policy.Read.All"} {
		m[strings.ToLower(p)] = true
	}
	return m
}()

// findFirstParty is the first-party client of that id (internal/firstparty,
// the catalogue azrepl reads too), or nil.
func findFirstParty(id string) *firstparty.Client {
	if c, ok := firstparty.Find(id); ok {
		return &c
	}
	return nil
}

// exposes reports whether the resource has a delegated permission of that name.
func (r *resourceInfo) exposes(perm string) bool {
	if r.name == "graph" {
		return graphExposed[strings.ToLower(perm)]
	}
	for _, p := range r.delegated {
		if strings.EqualFold(p, perm) {
			return true
		}
	}
	return false
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// resourceKey is how consents and the catalogue name a resource.
func (r *resourceInfo) key() string {
	if r.app != nil {
		return r.app.ClientID
	}
	return r.name
}

// resourceAppID is the resource's application id, as Entra names it in 65001/65002.
func (r *resourceInfo) appID() string {
	for _, id := range r.identifiers {
		if len(id) == 36 && strings.Count(id, "-") == 4 {
			return id
		}
	}
	if r.name == "arm" {
		return "797f4846-ba00-4fd7-ba43-dac1f8f63013"
	}
	return r.identifiers[0]
}
