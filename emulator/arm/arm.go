// Package arm is the emulator's Azure Resource Manager slice: /tenants and
// /subscriptions (what `az login` calls) and resource groups with
// asynchronous deletion, with ARM's token checks, api-version checked per
// resource type, nextLink paging and error envelope.
package arm

import (
	"crypto/rsa"
	"strings"
	"sync"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/bearer"
	"github.com/azrepl/azrepl/internal/azroles"
)

// Subscription is one subscription; State defaults to "Enabled", TenantID
// to the home tenant.
type Subscription struct{ ID, DisplayName, State, TenantID string }

// Tenant is a tenant other than the home one whose tokens ARM takes (a
// tenant where users of the home tenant are guests); it may hold subscriptions.
type Tenant struct{ ID, DisplayName, DefaultDomain string }

// Config is what the emulator core gives the ARM server.
type Config struct {
	TenantID, TenantDisplayName, DefaultDomain string
	PublicKey                                  *rsa.PublicKey
	Subscriptions                              []Subscription
	Tenants                                    []Tenant
	Now                                        func() time.Time // defaults to time.Now
	// Revoked, when set, is asked about every valid token (continuous access
	// evaluation): a revoked session gets ARM's claims challenge.
	Revoked bearer.RevocationFunc
	// RBAC turns on Azure role-based access control: every call is
	// authorized with RoleAssignments, and /subscriptions lists only the
	// subscriptions where the caller holds a role. Off, every valid token
	// may do everything.
	RBAC            bool
	RoleAssignments []RoleAssignment
	// Principals are the directory's identities: group membership for
	// group assignments, guest identities for /tenants, and the check of
	// principalId when a role assignment is created.
	Principals []Principal
}

type server struct {
	cfg    Config
	groups groups
	rbac   *rbac
	tags   tagStore
}

func (p *Principal) guestIn(tenant string) (string, bool) {
	if p == nil {
		return "", false
	}
	for t, oid := range p.GuestIDs {
		if strings.EqualFold(t, tenant) {
			return oid, true
		}
	}
	return "", false
}

// RoleAssignment gives a principal a built-in role over a scope.
type RoleAssignment struct {
	Name          string // the assignment's GUID; made up when empty
	Scope         string // "/subscriptions/{id}" or "/subscriptions/{id}/resourceGroups/{name}"
	Role          string // built-in role name ("Owner") or definition GUID
	PrincipalID   string
	PrincipalType string // "User", "Group" or "ServicePrincipal" (managed identities are service principals)
}

// Principal is an identity of the directory that role assignments can name.
type Principal struct {
	ObjectID string
	Type     string   // "User", "Group", "ServicePrincipal"
	MemberOf []string // object ids of the groups it belongs to
	// GuestIDs are its object ids in the tenants that invited it (tenant id → oid).
	GuestIDs map[string]string
}

// assignment is a stored role assignment with its resolved role.
type assignment struct {
	RoleAssignment
	role    azroles.Role
	created time.Time
}

type rbac struct {
	mu          sync.Mutex
	assignments []assignment
}

// caller is who a token speaks for, as ARM names it in its messages.
type caller struct {
	oid, tid string
	client   string   // upn for users, appid for applications
	ids      []string // oid and the groups it belongs to
}

// tagStore keeps the tags of scopes other than resource groups (a
// resource group's tags are its own).
type tagStore struct {
	mu sync.Mutex
	m  map[string]map[string]string // lower(scope) → tags
}

// resourceGroup, operation and groups: the resource groups created, and the
// deletions in progress (polled as long-running operations).
type resourceGroup struct {
	Sub, Name, Location string
	Tags                map[string]string
	deleting            bool
}

type operation struct {
	sub, group string
	polls      int
	done       bool
}

type groups struct {
	mu  sync.Mutex
	rgs map[string]*resourceGroup // key: lower(sub) + "/" + lower(name)
	ops map[string]*operation     // key: token
}
