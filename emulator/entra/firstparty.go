package entra

import (
	"maps"
	"strings"
)

// firstParty is a Microsoft public client the tenant knows without
// registration, with its FOCI membership and the delegated permissions it is
// pre-authorized for, per resource (knownResources names). Nothing else can
// be consented for it: a named scope outside is AADSTS65002.
type firstParty struct {
	id, name string
	family   bool
	preauth  map[string][]string
}

var (
	cliGraph = []string{"Application.ReadWrite.All", "AppRoleAssignment.ReadWrite.All", "AuditLog.Read.All",
		"DelegatedPermissionGrant.ReadWrite.All", "Directory.AccessAsUser.All", "Group.ReadWrite.All", "User.Read.All", "User.ReadWrite.All"}
	officeGraph = []string{"AuditLog.Read.All", "Calendars.Read", "Calendars.ReadWrite", "Contacts.ReadWrite", "Directory.Read.All",
		"Files.Read", "Files.Read.All", "Files.ReadWrite.All", "Group.Read.All", "Group.ReadWrite.All", "Mail.Read", "Mail.ReadWrite",
		"Mail.Send", "Notes.Create", "Notes.Read", "Organization.Read.All", "People.Read", "People.Read.All", "Sites.Read.All",
		"Tasks.ReadWrite", "User.Read", "User.Read.All", "User.ReadBasic.All", "User.ReadWrite"}
	teamsGraph = []string{"Calendars.Read", "Channel.ReadBasic.All", "Chat.ReadWrite", "Files.ReadWrite.All", "Group.ReadWrite.All",
		"Mail.Read", "People.Read", "Presence.Read", "Presence.Read.All", "Presence.ReadWrite", "Sites.ReadWrite.All",
		"Team.ReadBasic.All", "TeamSettings.ReadWrite.All", "User.Read", "User.ReadBasic.All"}
	impersonation = []string{"user_impersonation"}
	aksUser       = []string{"user.read"}
)

var firstPartyClients = []firstParty{
	{id: "04b07795-8ddb-461a-bbee-02f9e1bf7b46", name: "Microsoft Azure CLI", family: true, preauth: map[string][]string{
		"graph": cliGraph, "arm": impersonation, "databricks": impersonation, "keyvault": impersonation, "storage": impersonation,
		"aks": aksUser}},
	{id: "1950a258-227b-4e31-a9cf-717495945fc2", name: "Microsoft Azure PowerShell", family: true, preauth: map[string][]string{
		"graph": {"AuditLog.Read.All", "Directory.AccessAsUser.All", "Group.ReadWrite.All", "User.ReadWrite.All"},
		"arm":   impersonation, "keyvault": impersonation, "storage": impersonation}},
	{id: "872cd9fa-d31f-45e0-9eab-6e460a02d1f1", name: "Visual Studio", family: true, preauth: map[string][]string{
		"graph": {"User.Read", "User.ReadBasic.All"}, "arm": impersonation, "keyvault": impersonation, "storage": impersonation}},
	{id: "d3590ed6-52b3-4102-aeff-aad2292ab01c", name: "Microsoft Office", family: true, preauth: map[string][]string{
		"graph": officeGraph}},
	{id: "1fec8e78-bce4-4aaf-ab1b-5451cc387264", name: "Microsoft Teams", family: true, preauth: map[string][]string{
		"graph": teamsGraph}},
	// kubelogin's device code, browser and password logins (not a FOCI member).
	{id: AKSClient, name: "Azure Kubernetes Service AAD Client", preauth: map[string][]string{"aks": aksUser}},
}

// graphExposed is what Graph exposes as delegated permissions (a named scope
// outside is AADSTS70011): the union of the catalogue plus common others.
var graphExposed = func() map[string]bool {
	m := map[string]bool{}
	for _, fp := range firstPartyClients {
		for _, p := range fp.preauth["graph"] {
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

// FirstParty is a client of the catalogue as its clients see it: azrepl
// keeps a copy (it may not import the emulator) and a test compares the two.
type FirstParty struct {
	ID, Name string
	Family   bool
	Preauth  map[string][]string
}

// FirstPartyClients returns a copy of the catalogue, in its order.
func FirstPartyClients() []FirstParty {
	out := make([]FirstParty, len(firstPartyClients))
	for i, fp := range firstPartyClients {
		out[i] = FirstParty{ID: fp.id, Name: fp.name, Family: fp.family, Preauth: maps.Clone(fp.preauth)}
	}
	return out
}

func findFirstParty(id string) *firstParty {
	for i := range firstPartyClients {
		if strings.EqualFold(firstPartyClients[i].id, id) {
			return &firstPartyClients[i]
		}
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
