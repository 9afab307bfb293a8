// Package azroles holds Azure's built-in role definitions (generated from
// Microsoft's published definitions, see roles_gen.go) and answers which
// roles grant an action, matching wildcards as Azure RBAC does.
//
// Azure RBAC (https://learn.microsoft.com/azure/role-based-access-control/role-definitions):
// a role allows an action when one of its Actions matches it and none of its
// NotActions does; "*" in a pattern matches any run of characters, "/"
// included; operations are compared without regard to case. DataActions
// and NotDataActions work the same way for data-plane operations.
package azroles

//go:generate go run gen.go

import (
	"strings"
)

// Role is one built-in role definition.
type Role struct {
	ID               string // the role definition's GUID (its name in ARM)
	Name             string // roleName, e.g. "Owner"
	Description      string
	Actions          []string
	NotActions       []string
	DataActions      []string
	NotDataActions   []string
	AssignableScopes []string
}

// DefinitionID is the role definition's ARM id at the tenant root.
func (r Role) DefinitionID() string {
	return "/providers/Microsoft.Authorization/roleDefinitions/" + r.ID
}

// All returns the built-in roles, sorted by name. The slice is shared: do not modify it.
func All() []Role { return builtin[:] }

// ByID finds a role by its GUID or by a role definition id ending in it
// ("/subscriptions/{s}/providers/Microsoft.Authorization/roleDefinitions/{guid}").
func ByID(id string) (Role, bool) {
	if i := strings.LastIndexByte(id, '/'); i >= 0 {
		id = id[i+1:]
	}
	for _, r := range builtin {
		if strings.EqualFold(r.ID, id) {
			return r, true
		}
	}
	return Role{}, false
}

// ByName finds a role by its name, ignoring case.
func ByName(name string) (Role, bool) {
	for _, r := range builtin {
		if strings.EqualFold(r.Name, name) {
			return r, true
		}
	}
	return Role{}, false
}

// Allows reports whether the role grants the control-plane action.
func (r Role) Allows(action string) bool { return permits(r.Actions, r.NotActions, action) }

// AllowsData reports whether the role grants the data-plane action.
func (r Role) AllowsData(action string) bool {
	return permits(r.DataActions, r.NotDataActions, action)
}

// Granting returns the built-in roles that grant the control-plane action,
// sorted by name.
func Granting(action string) []Role { return granting(action, Role.Allows) }

// GrantingData returns the built-in roles that grant the data-plane action.
func GrantingData(action string) []Role { return granting(action, Role.AllowsData) }

func granting(action string, allows func(Role, string) bool) []Role {
	var out []Role
	for _, r := range builtin {
		if allows(r, action) {
			out = append(out, r)
		}
	}
	return out
}

func permits(allow, deny []string, action string) bool {
	return matchesAny(allow, action) && !matchesAny(deny, action)
}

func matchesAny(patterns []string, action string) bool {
	for _, p := range patterns {
		if Match(p, action) {
			return true
		}
	}
	return false
}

// Match reports whether an RBAC pattern ("*/read",
// "Microsoft.Authorization/*/Write") matches an operation, ignoring case.
func Match(pattern, action string) bool {
	// Greedy glob with backtracking to the last star: linear for the
	// patterns RBAC uses (a few stars).
	p, a := 0, 0
	star, mark := -1, 0
	for a < len(action) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, a
			p++
		case p < len(pattern) && lower(pattern[p]) == lower(action[a]):
			p++
			a++
		case star >= 0:
			p = star + 1
			mark++
			a = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
