// Package world is the emulated tenant, what tenant.json holds: users, apps,
// groups, guest tenants, policies, managed identities and the Databricks
// workspace, secrets included. It is seeded (Seed) or loaded (Load); the
// emulator serves it, and its groups and directory users can be counted in
// millions because they are built from their index when served.
package world

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/wire"
)

// World is the seeded tenant: what tenant.json holds, secrets included.
type World struct {
	TenantID      string         `json:"tenantId"`
	Domain        string         `json:"domain"`
	DisplayName   string         `json:"displayName"`
	Users         []User         `json:"users"`
	Apps          []App          `json:"apps"`
	Databricks    Databricks     `json:"databricks"`
	Subscriptions []Subscription `json:"subscriptions,omitempty"`
	Groups        []Group        `json:"groups,omitempty"`
	// GroupCount more groups are seeded (SeededGroup): tenant.json gives
	// their number, not a million objects.
	GroupCount int `json:"groupCount,omitempty"`
	// UserCount directory users are seeded after Users (SeededUser); they
	// are listed by Graph but cannot sign in.
	UserCount int `json:"userCount,omitempty"`
	// Consents are the delegated grants users (or an admin, for everyone)
	// gave third-party apps; a delegated token or OBO outside them is AADSTS65001.
	Consents []Consent `json:"consents,omitempty"`
	// ManagedIdentities: seeded when absent (identities.go).
	ManagedIdentities []ManagedIdentity `json:"managedIdentities,omitempty"`
	// ConditionalAccess policies (blocking the device code flow: 53003).
	ConditionalAccess []ConditionalAccessPolicy `json:"conditionalAccess,omitempty"`
	// GuestTenants are other tenants that invited some users as guests.
	GuestTenants []GuestTenant `json:"guestTenants,omitempty"`
}

// Consent is a delegated permission grant (oauth2PermissionGrant).
type Consent struct {
	ClientID string   `json:"clientId"`
	User     string   `json:"user,omitempty"` // username or short name; "" = admin consent for all users
	Resource string   `json:"resource"`       // "graph", "arm", "databricks", "keyvault", "storage" or an API app's clientId
	Scopes   []string `json:"scopes"`
}

// ConditionalAccessPolicy blocks a flow for some users (53003).
type ConditionalAccessPolicy struct {
	Name            string   `json:"name"`
	Users           []string `json:"users"` // usernames or short names
	BlockDeviceCode bool     `json:"blockDeviceCode"`
}

// FederatedCredential lets an app sign in with an assertion from an external
// issuer (workload identity federation): all three must match.
type FederatedCredential struct {
	Name      string   `json:"name"`
	Issuer    string   `json:"issuer"`
	Subject   string   `json:"subject"`
	Audiences []string `json:"audiences"`
}

// User is a person who can sign in.
type User struct {
	Name        string `json:"name"`
	Username    string `json:"username"`
	Password    string `json:"password"`
	ObjectID    string `json:"objectId"`
	DisplayName string `json:"displayName"`
	// MFARequired lists resources ("graph", "arm", … or "*") for which the
	// user must have done MFA; the sign-in page then asks for OTPCode (no
	// code: the user has no method registered, 50079).
	MFARequired []string `json:"mfaRequired,omitempty"`
	OTPCode     string   `json:"otpCode,omitempty"`
}

// App is a confidential client registered in the tenant.
type App struct {
	Name            string   `json:"name"`
	ClientID        string   `json:"clientId"`
	ObjectID        string   `json:"objectId,omitempty"` // service principal object id (oid of app tokens)
	ClientSecret    string   `json:"clientSecret"`
	CertificatePath string   `json:"certificatePath"`
	KeyPath         string   `json:"keyPath"`
	GraphAppRoles   []string `json:"graphAppRoles"`

	FederatedCredentials []FederatedCredential `json:"federatedCredentials,omitempty"`
	// An app that exposes an API: tokens for it name one of IdentifierURIs
	// (or the clientId) as audience and carry Scopes in scp.
	IdentifierURIs            []string `json:"identifierUris,omitempty"`
	Scopes                    []string `json:"scopes,omitempty"`
	PreAuthorizedApplications []string `json:"preAuthorizedApplications,omitempty"` // client ids that need no consent for Scopes
	// RequiredPermissions are the delegated permissions per resource the app
	// is configured to ask for ("graph": ["User.Read"]); on-behalf-of needs them.
	RequiredPermissions map[string][]string `json:"requiredPermissions,omitempty"`
}

// Databricks is the Azure Databricks workspace of the tenant.
type Databricks struct {
	Host             string           `json:"host"`
	AccountsHost     string           `json:"accountsHost"`
	AccountID        string           `json:"accountId,omitempty"` // the account the workspace belongs to (account OIDC and API)
	ServicePrincipal ServicePrincipal `json:"servicePrincipal"`
	Clusters         int              `json:"clusters,omitempty"`
	Jobs             int              `json:"jobs,omitempty"`
	// EntraMembers are client ids of Entra apps that are workspace members
	// (their Entra tokens for Azure Databricks work as they are).
	EntraMembers []string `json:"entraMembers,omitempty"`
	// ResourceManagers are client ids of Entra apps with Contributor on the
	// workspace's Azure resource: they get in with an
	// X-Databricks-Azure-SP-Management-Token and become members.
	ResourceManagers []string                     `json:"resourceManagers,omitempty"`
	PATs             []DatabricksPAT              `json:"pats,omitempty"`
	Federation       []DatabricksFederationPolicy `json:"federationPolicies,omitempty"`
}

// DatabricksPAT is a personal access token of a user (username).
type DatabricksPAT struct {
	Owner   string `json:"owner"`
	Value   string `json:"value"`
	Comment string `json:"comment,omitempty"`
}

// DatabricksFederationPolicy trusts an OIDC issuer's tokens for the RFC 8693
// exchange at the workspace: for the service principal servicePrincipal
// (its client id) when set, else for the user named by the token's sub.
type DatabricksFederationPolicy struct {
	Issuer           string   `json:"issuer"`
	Audiences        []string `json:"audiences,omitempty"` // default: the account id and the workspace token endpoint
	Subject          string   `json:"subject,omitempty"`
	ServicePrincipal string   `json:"servicePrincipal,omitempty"`
}

// ServicePrincipal is a Databricks OAuth machine-to-machine identity.
type ServicePrincipal struct {
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"`
	DisplayName  string `json:"displayName"`
}

// Subscription is an Azure subscription ARM lists.
type Subscription struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	State       string `json:"state"`
}

// Group is a directory group Graph lists.
type Group struct {
	ID              string    `json:"id"`
	DisplayName     string    `json:"displayName"`
	Description     string    `json:"description,omitempty"`
	MailNickname    string    `json:"mailNickname"`
	SecurityEnabled bool      `json:"securityEnabled"`
	MailEnabled     bool      `json:"mailEnabled"`
	CreatedDateTime time.Time `json:"createdDateTime"`
}

// SeedGUID derives a stable GUID from a label, so ids are the same on every
// start (scripts and docs can name them) while secrets are not.
func SeedGUID(label string) string {
	sum := sha256.Sum256([]byte("azrepl-emulator/" + label))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

const secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// newSecret looks like an Entra client secret: a 3-character id, "8Q~", random.
func newSecret() string {
	return wire.RandomString(3, secretAlphabet) + "8Q~" + wire.RandomString(34, secretAlphabet+"_-.~")
}

// Seed is the seeded world with that many generated groups.
func Seed(groups int) *World {
	w := &World{
		TenantID:    SeedGUID("tenant"),
		Domain:      "contoso.onmicrosoft.com",
		DisplayName: "Contoso",
	}
	for _, u := range []struct{ name, display string }{{"alice", "Alice Smith"}, {"bob", "Bob Jones"}} {
		w.Users = append(w.Users, User{
			Name: u.name, Username: u.name + "@" + w.Domain, Password: wire.RandomString(16, secretAlphabet),
			ObjectID: SeedGUID("user/" + u.name), DisplayName: u.display,
		})
	}
	// carol must do MFA for Graph (her one-time code is below) and may not use the device code flow.
	w.Users = append(w.Users, User{Name: "carol", Username: "carol@" + w.Domain, Password: wire.RandomString(16, secretAlphabet),
		ObjectID: SeedGUID("user/carol"), DisplayName: "Carol Diaz", MFARequired: []string{"graph"}, OTPCode: wire.RandomString(6, "0123456789")})
	w.ConditionalAccess = []ConditionalAccessPolicy{{Name: "Block device code flow", Users: []string{"carol"}, BlockDeviceCode: true}}
	w.Apps = []App{
		// Its secret works, and (so that --emulator's one AZURE_CLIENT_ID serves
		// both) so does the emulator issuer's assertion.
		{Name: "story-app", ClientID: SeedGUID("app/story-app"), ObjectID: SeedGUID("sp/story-app"),
			ClientSecret: newSecret(), GraphAppRoles: []string{},
			FederatedCredentials: []FederatedCredential{{Name: "emulator-workload", Issuer: IssuerPlaceholder,
				Subject: WorkloadSubject, Audiences: []string{WorkloadAudience}}}},
		{Name: "reader-app", ClientID: SeedGUID("app/reader-app"), ObjectID: SeedGUID("sp/reader-app"),
			ClientSecret: newSecret(), GraphAppRoles: []string{"Group.Read.All", "User.Read.All"}},
	}
	apiID := SeedGUID("app/api-app")
	w.Apps = append(w.Apps,
		// Signs in with the emulator issuer's assertion (DIR/workload.env); it may read groups.
		App{Name: "workload-app", ClientID: SeedGUID("app/workload-app"), ObjectID: SeedGUID("sp/workload-app"),
			GraphAppRoles: []string{"Group.Read.All"},
			FederatedCredentials: []FederatedCredential{{Name: "emulator-workload", Issuer: IssuerPlaceholder,
				Subject: WorkloadSubject, Audiences: []string{WorkloadAudience}}}},
		// A web API that calls Graph on behalf of its users; alice consented, bob did not.
		App{Name: "api-app", ClientID: apiID, ObjectID: SeedGUID("sp/api-app"), ClientSecret: newSecret(), GraphAppRoles: []string{},
			IdentifierURIs: []string{"api://" + apiID}, Scopes: []string{"access_as_user"},
			PreAuthorizedApplications: []string{"04b07795-8ddb-461a-bbee-02f9e1bf7b46"},
			RequiredPermissions:       map[string][]string{"graph": {"User.Read", "Group.Read.All"}}},
	)
	w.Consents = []Consent{{ClientID: apiID, User: "alice", Resource: "graph", Scopes: []string{"User.Read", "Group.Read.All"}}}
	w.Databricks = Databricks{
		Host:         "adb-1234567890123456.7.azuredatabricks.net",
		AccountsHost: "accounts.azuredatabricks.net",
		AccountID:    SeedGUID("databricks/account"),
		ServicePrincipal: ServicePrincipal{
			ClientID:     SeedGUID("databricks/sp"),
			ClientSecret: "dose" + wire.RandomString(32, "0123456789abcdef"),
			DisplayName:  "story-automation",
		},
		Clusters: 3,
		Jobs:     45,
		// reader-app is a workspace member; story-app manages the workspace
		// resource (the Databricks SDK's azure-client-secret sends its
		// management token); alice has a PAT.
		EntraMembers:     []string{SeedGUID("app/reader-app")},
		ResourceManagers: []string{SeedGUID("app/story-app")},
		PATs:             []DatabricksPAT{{Owner: w.Users[0].Username, Value: "dapi" + wire.RandomString(32, "0123456789abcdef"), Comment: "seeded"}},
	}
	// The service principal trusts the emulator's workload issuer (the
	// workload's subject; default audiences: the token endpoint, the account).
	w.Databricks.Federation = []DatabricksFederationPolicy{{Issuer: IssuerPlaceholder, Subject: WorkloadSubject,
		ServicePrincipal: w.Databricks.ServicePrincipal.ClientID}}
	w.Subscriptions = []Subscription{{ID: SeedGUID("subscription/dev"), DisplayName: "Contoso Dev", State: "Enabled"}}
	w.GroupCount = groups
	// alice is a guest in a partner tenant (sign in there with its domain or id).
	w.GuestTenants = []GuestTenant{seedGuestTenant()}
	w.ManagedIdentities = seedManagedIdentities(w)
	return w
}

var (
	groupAreas = []string{"Engineering", "Finance", "Marketing", "Sales", "Support", "Research", "Legal", "Operations"}
	groupKinds = []string{"Readers", "Admins", "Owners", "Contributors", "Reviewers"}
)

// SeededGroup is seeded group i, built from its index alone.
func SeededGroup(i int) Group {
	area, kind := groupAreas[i%len(groupAreas)], groupKinds[(i/len(groupAreas))%len(groupKinds)]
	name := fmt.Sprintf("%s %s %03d", area, kind, i+1)
	return Group{
		ID:              seededGroupID(i),
		DisplayName:     name,
		Description:     fmt.Sprintf("%s of the %s area", kind, strings.ToLower(area)),
		MailNickname:    strings.ToLower(strings.ReplaceAll(name, " ", "-")),
		SecurityEnabled: true,
		MailEnabled:     i%4 == 0,
		CreatedDateTime: time.Date(2024, 1, 15, 9, 0, 0, 0, time.UTC).Add(time.Duration(i) * 97 * time.Minute),
	}
}

// Seeded ids are stable GUIDs that give back their index: the last 48
// bits are the index times an odd constant (a bijection mod 2^48), the
// rest a fixed prefix per kind; a lookup by id needs no table.
const (
	seededIDMul  = 0x9E3779B97F4B // odd
	seededIDMask = 1<<48 - 1
)

// seededIDs is one kind's id prefix: "xxxxxxxx-xxxx-4xxx-yxxx-".
type seededIDs string

var (
	groupIDs = seededIDs(SeedGUID("groups")[:24])
	userIDs  = seededIDs(SeedGUID("users")[:24])
)

func (p seededIDs) id(i int) string {
	return fmt.Sprintf("%s%012x", p, (uint64(i)*seededIDMul)&seededIDMask)
}

// index is the index of an id of this kind (any case).
func (p seededIDs) index(id string) (int, bool) {
	if len(id) != 36 || !strings.EqualFold(id[:24], string(p)) {
		return 0, false
	}
	v, err := strconv.ParseUint(id[24:], 16, 64)
	if err != nil {
		return 0, false
	}
	return int((v * seededIDInverse) & seededIDMask), true
}

// seededIDInverse is seededIDMul's inverse mod 2^48 (Newton's iteration).
var seededIDInverse = func() uint64 {
	x := uint64(seededIDMul)
	for range 6 {
		x *= 2 - seededIDMul*x
	}
	return x & seededIDMask
}()

func seededGroupID(i int) string { return groupIDs.id(i) }

// SeededGroupIndex is the index of a seeded group id (any case).
func SeededGroupIndex(id string) (int, bool) { return groupIDs.index(id) }

// Group returns group i of the world: its listed groups, then the seeded.
func (w *World) Group(i int) Group {
	if i < len(w.Groups) {
		return w.Groups[i]
	}
	return SeededGroup(i - len(w.Groups))
}

// ApplyCounts sets the seeded users, jobs and clusters asked for (0: the
// world's own). A loaded world's counts win, as for groups; the seeded
// world's (no users, 3 clusters, 45 jobs) give way.
func (w *World) ApplyCounts(users, jobs, clusters int, loaded bool) {
	for _, c := range []struct {
		world *int
		cfg   int
	}{{&w.UserCount, users}, {&w.Databricks.Jobs, jobs}, {&w.Databricks.Clusters, clusters}} {
		if c.cfg > 0 && (!loaded || *c.world == 0) {
			*c.world = c.cfg
		}
	}
}

// Load reads a tenant.json; missing groups (that many) and managed
// identities are seeded, so paging and managed identity still work.
func Load(path string, groups int) (*World, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("world: %w", err)
	}
	var w World
	if err := json.Unmarshal(data, &w); err != nil {
		return nil, fmt.Errorf("world %s: not valid JSON: %w", path, err)
	}
	if w.TenantID == "" || w.Domain == "" {
		return nil, fmt.Errorf("world %s: tenantId and domain are required", path)
	}
	for i, u := range w.Users {
		if u.Username == "" || u.ObjectID == "" {
			return nil, fmt.Errorf("world %s: users[%d] needs username and objectId", path, i)
		}
		if u.Name == "" {
			w.Users[i].Name, _, _ = strings.Cut(u.Username, "@")
		}
	}
	for i, a := range w.Apps {
		if a.ClientID == "" {
			return nil, fmt.Errorf("world %s: apps[%d] needs clientId", path, i)
		}
		if a.ObjectID == "" {
			w.Apps[i].ObjectID = SeedGUID("sp/" + a.ClientID)
		}
	}
	if w.Groups == nil && w.GroupCount == 0 {
		w.GroupCount = groups
	}
	if w.Databricks.AccountID == "" && w.Databricks.Host != "" {
		w.Databricks.AccountID = SeedGUID("databricks/account/" + w.Databricks.Host)
	}
	if w.ManagedIdentities == nil {
		w.ManagedIdentities = seedManagedIdentities(&w)
	}
	return &w, nil
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
