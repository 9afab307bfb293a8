// Package world is the emulated tenant, what tenant.json holds: users, apps,
// groups, guest tenants, policies, managed identities and the Databricks
// workspace, secrets included. It is seeded (Seed) or loaded (Load); the
// emulator serves it, and its groups and directory users can be counted in
// millions because they are built from their index when served.
package world

import (
	"time"
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
	// ManagedIdentities: seeded when absent (Seed, Load).
	ManagedIdentities []ManagedIdentity `json:"managedIdentities,omitempty"`
	// ConditionalAccess policies (blocking the device code flow: 53003).
	ConditionalAccess []ConditionalAccessPolicy `json:"conditionalAccess,omitempty"`
	// GuestTenants are other tenants that invited some users as guests.
	GuestTenants []GuestTenant `json:"guestTenants,omitempty"`
	// RoleAssignments are Azure role assignments (Azure RBAC at ARM);
	// seeded when absent (rbac.go).
	RoleAssignments []RoleAssignment `json:"roleAssignments,omitempty"`
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
	// TenantID is the tenant the subscription belongs to: "" for the
	// world's own, or a guest tenant's id.
	TenantID string `json:"tenantId,omitempty"`
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
	// Members are users (short names or usernames) and apps (names or
	// client ids) in the group: role assignments to it apply to them.
	Members []string `json:"members,omitempty"`
}

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

// ManagedIdentity is an identity Azure compute can get tokens as.
type ManagedIdentity struct {
	Name       string `json:"name"`
	Type       string `json:"type"` // "system" or "user"
	ClientID   string `json:"clientId"`
	ObjectID   string `json:"objectId"`
	ResourceID string `json:"resourceId"`
	// GraphAppRoles are the Graph application permissions granted to it.
	GraphAppRoles []string `json:"graphAppRoles,omitempty"`
}
