// Package graph is the emulator's Microsoft Graph: /v1.0 and /beta for /me,
// /users, /groups (read, and groups and their members written) and /$batch,
// with Graph's token checks, permission checks, paging, query options and
// error envelope.
package graph

import (
	"crypto/rsa"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/bearer"
)

// User is a directory user; without GivenName and Surname they are taken
// from DisplayName ("Alice Smith").
type User struct {
	ID, UserPrincipalName, DisplayName, Mail     string
	GivenName, Surname, JobTitle, OfficeLocation string
}

// Group is a directory group.
type Group struct {
	ID, DisplayName, Description, MailNickname string
	SecurityEnabled, MailEnabled               bool
	CreatedDateTime                            time.Time
	Members                                    []string // object ids of its user and group members
}

// Config is what the emulator core gives the Graph server.
type Config struct {
	TenantID  string
	PublicKey *rsa.PublicKey // verifies the RS256 access tokens
	Users     []User
	Groups    []Group
	// UserCount more users come from UserAt(i), after Users, and
	// UserIndex(key) finds one by id or UPN, as for groups.
	UserCount int
	UserAt    func(i int) User
	UserIndex func(key string) (int, bool)
	// GroupCount more groups come from GroupAt(i) when served, and
	// GroupIndex(id) finds one by id: a large tenant is never built.
	GroupCount int
	GroupAt    func(i int) Group
	GroupIndex func(id string) (int, bool)
	Now        func() time.Time // defaults to time.Now
	// Revoked, when set, is asked about every valid token (continuous access
	// evaluation): a revoked session gets Graph's insufficient_claims 401.
	Revoked bearer.RevocationFunc
	// Guests are the tenants where the world's users are guests: Graph
	// takes their tokens too (a guest sees the inviting tenant's
	// directory, as in the cloud), each with its own users.
	Guests []GuestDirectory
}

// GuestDirectory is a guest tenant's directory: its users (the guest
// accounts, with their own object ids) and no groups.
type GuestDirectory struct {
	TenantID string
	Users    []User
}
