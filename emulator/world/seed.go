package world

import (
	"crypto/sha256"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/wire"
)

// The seeded world: stable ids (the same on every start), fresh secrets, and
// groups built from their index alone.

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
	// alice is a guest in a partner tenant (sign in there with its domain or
	// id), which holds a subscription of its own.
	w.GuestTenants = []GuestTenant{seedGuestTenant()}
	w.Subscriptions = append(w.Subscriptions, Subscription{ID: SeedGUID("subscription/partner"), DisplayName: "Contoso Partner Dev",
		State: "Enabled", TenantID: w.GuestTenants[0].TenantID})
	w.ManagedIdentities = seedManagedIdentities(w)
	w.RoleAssignments = seedRoleAssignments(w)
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

// partnerTenantName is the seeded guest tenant's short name (its domain's first label).
const partnerTenantName = "contoso-partner"

func seedGuestTenant() GuestTenant {
	return GuestTenant{TenantID: SeedGUID("tenant/" + partnerTenantName), Domain: partnerTenantName + ".onmicrosoft.com",
		DisplayName: "Contoso Partner", Guests: []string{"alice"}}
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
