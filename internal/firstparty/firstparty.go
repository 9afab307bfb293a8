// Package firstparty is the catalogue of Microsoft public clients that a
// tenant knows without registration, with their FOCI membership and the
// delegated permissions Entra pre-authorizes each for, per resource. Entra
// refuses any other named scope for them (AADSTS65002). Both sides of the
// emulator's wall read it: azrepl to say which client would get a scope, the
// emulator to decide as Entra does. It imports nothing of azrepl.
package firstparty

import (
	"maps"
	"strings"
)

// Client is a first-party public client. Names are the apps' display names
// in Entra.
type Client struct {
	ID, Name string
	Family   bool                // FOCI: any family member's refresh token works for it
	Preauth  map[string][]string // resource key (graph, arm, databricks, keyvault, storage, aks) → permissions
}

// The Azure CLI, and the Azure Kubernetes Service AAD server app (the
// audience of Kubernetes sign-in) with its first-party public client, as
// kubelogin names them (--server-id, --client-id).
const (
	AzureCLI  = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
	AKSServer = "6dae42f8-4368-4678-94ff-3960e28e3630"
	AKSClient = "80faf920-1908-4b52-b5ef-a8e7bedfc67a"
)

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

// catalogue is the clients, most useful first.
var catalogue = []Client{
	{ID: AzureCLI, Name: "Microsoft Azure CLI", Family: true, Preauth: map[string][]string{
		"graph": cliGraph, "arm": impersonation, "databricks": impersonation, "keyvault": impersonation, "storage": impersonation,
		"aks": aksUser}},
	{ID: "1950a258-227b-4e31-a9cf-717495945fc2", Name: "Microsoft Azure PowerShell", Family: true, Preauth: map[string][]string{
		"graph": {"AuditLog.Read.All", "Directory.AccessAsUser.All", "Group.ReadWrite.All", "User.ReadWrite.All"},
		"arm":   impersonation, "keyvault": impersonation, "storage": impersonation}},
	{ID: "872cd9fa-d31f-45e0-9eab-6e460a02d1f1", Name: "Visual Studio", Family: true, Preauth: map[string][]string{
		"graph": {"User.Read", "User.ReadBasic.All"}, "arm": impersonation, "keyvault": impersonation, "storage": impersonation}},
	{ID: "d3590ed6-52b3-4102-aeff-aad2292ab01c", Name: "Microsoft Office", Family: true, Preauth: map[string][]string{"graph": officeGraph}},
	{ID: "1fec8e78-bce4-4aaf-ab1b-5451cc387264", Name: "Microsoft Teams", Family: true, Preauth: map[string][]string{"graph": teamsGraph}},
	// kubelogin's device code, browser and password logins (not a FOCI member).
	{ID: AKSClient, Name: "Azure Kubernetes Service AAD Client", Preauth: map[string][]string{"aks": aksUser}},
}

// Clients is the catalogue in its order: a new slice and maps, the
// permission lists shared (read them only).
func Clients() []Client {
	out := make([]Client, len(catalogue))
	for i, c := range catalogue {
		c.Preauth = maps.Clone(c.Preauth)
		out[i] = c
	}
	return out
}

// Find is the catalogue's client with that id (any case), if any; read it only.
func Find(id string) (Client, bool) {
	for _, c := range catalogue {
		if strings.EqualFold(c.ID, id) {
			return c, true
		}
	}
	return Client{}, false
}
