package arm

import (
	"cmp"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/azrepl/azrepl/internal/azroles"
)

// Azure RBAC (https://learn.microsoft.com/azure/role-based-access-control/overview):
// a principal may perform an action over a scope when a role assignment to
// it, or to a group it belongs to, at that scope or above it grants the
// action. Scopes here: "/", a subscription, a resource group.

func newRBAC(cfg Config) (*rbac, error) {
	r := &rbac{}
	for _, a := range cfg.RoleAssignments {
		role, ok := lookupRole(a.Role)
		if !ok {
			return nil, fmt.Errorf("arm: role assignment to %s names an unknown built-in role %q", a.PrincipalID, a.Role)
		}
		if a.Name == "" {
			a.Name = seededName(a.Scope + "|" + role.ID + "|" + a.PrincipalID)
		}
		r.assignments = append(r.assignments, assignment{RoleAssignment: a, role: role, created: cfg.Now()})
	}
	return r, nil
}

func lookupRole(s string) (azroles.Role, bool) {
	if r, ok := azroles.ByID(s); ok {
		return r, true
	}
	return azroles.ByName(s)
}

func (s *server) callerOf(claims map[string]any) caller {
	str := func(k string) string { v, _ := claims[k].(string); return v }
	c := caller{oid: str("oid"), tid: str("tid")}
	c.client = cmp.Or(str("upn"), str("unique_name"), str("appid"), str("azp"))
	c.ids = []string{c.oid}
	if p := s.principal(c.oid); p != nil {
		c.ids = append(c.ids, p.MemberOf...)
	}
	return c
}

func (s *server) principal(oid string) *Principal {
	for i := range s.cfg.Principals {
		if strings.EqualFold(s.cfg.Principals[i].ObjectID, oid) {
			return &s.cfg.Principals[i]
		}
	}
	return nil
}

// principalExists: an object id of the directory, home or guest.
func (s *server) principalExists(oid string) bool {
	for _, p := range s.cfg.Principals {
		if strings.EqualFold(p.ObjectID, oid) {
			return true
		}
		for _, g := range p.GuestIDs {
			if strings.EqualFold(g, oid) {
				return true
			}
		}
	}
	return false
}

// within says whether scope is at or below parent ("/" is above all).
func within(scope, parent string) bool {
	scope, parent = strings.ToLower(strings.TrimSuffix(scope, "/")), strings.ToLower(strings.TrimSuffix(parent, "/"))
	return parent == "" || scope == parent || strings.HasPrefix(scope, parent+"/")
}

func (c caller) holds(a *assignment) bool {
	for _, id := range c.ids {
		if strings.EqualFold(id, a.PrincipalID) {
			return true
		}
	}
	return false
}

// allowed reports whether the caller may perform action over scope.
func (s *server) allowed(c caller, action, scope string) bool {
	return s.anyAssignment(c, func(a *assignment) bool {
		return within(scope, a.Scope) && a.role.Allows(action)
	})
}

// hasAnyRole: some assignment of the caller's lies over or under scope (a
// subscription is listed to whoever holds a role anywhere in it).
func (s *server) hasAnyRole(c caller, scope string) bool {
	return s.anyAssignment(c, func(a *assignment) bool {
		return within(scope, a.Scope) || within(a.Scope, scope)
	})
}

// anyAssignment reports whether one of the caller's role assignments
// satisfies match; with RBAC off, every caller passes.
func (s *server) anyAssignment(c caller, match func(*assignment) bool) bool {
	if !s.cfg.RBAC {
		return true
	}
	s.rbac.mu.Lock()
	defer s.rbac.mu.Unlock()
	for i := range s.rbac.assignments {
		a := &s.rbac.assignments[i]
		if c.holds(a) && match(a) {
			return true
		}
	}
	return false
}

// authorize answers ARM's 403 AuthorizationFailed when the caller may not.
// The text is the real one (Azure/azure-cli#14773, Azure/ARO-RP#66).
func (rc *requestContext) authorize(action, scope string) bool {
	if rc.s.allowed(rc.caller, action, scope) {
		return true
	}
	rc.fail(http.StatusForbidden, "AuthorizationFailed", fmt.Sprintf(
		"The client '%s' with object id '%s' does not have authorization to perform action '%s' over scope '%s' or the scope is invalid. If access was recently granted, please refresh your credentials.",
		rc.caller.client, rc.caller.oid, action, scope))
	return false
}

var guidPattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
})

func assignmentJSON(a *assignment) map[string]any {
	ts := a.created.UTC().Format(time.RFC3339Nano)
	subScope := a.Scope
	if i := indexFold(subScope, "/resourcegroups/"); i >= 0 {
		subScope = subScope[:i]
	}
	return map[string]any{
		"id":   strings.TrimSuffix(a.Scope, "/") + "/providers/Microsoft.Authorization/roleAssignments/" + a.Name,
		"type": "Microsoft.Authorization/roleAssignments",
		"name": a.Name,
		"properties": map[string]any{
			"roleDefinitionId":                   strings.TrimSuffix(subScope, "/") + a.role.DefinitionID(),
			"principalId":                        a.PrincipalID,
			"principalType":                      a.PrincipalType,
			"scope":                              a.Scope,
			"condition":                          nil,
			"conditionVersion":                   nil,
			"createdOn":                          ts,
			"updatedOn":                          ts,
			"createdBy":                          nil,
			"updatedBy":                          nil,
			"delegatedManagedIdentityResourceId": nil,
			"description":                        nil,
		},
	}
}

func roleDefinitionJSON(r azroles.Role, scope string) map[string]any {
	perm := map[string]any{"actions": nonNil(r.Actions), "notActions": nonNil(r.NotActions),
		"dataActions": nonNil(r.DataActions), "notDataActions": nonNil(r.NotDataActions)}
	return map[string]any{
		"id":   strings.TrimSuffix(scope, "/") + r.DefinitionID(),
		"type": "Microsoft.Authorization/roleDefinitions",
		"name": r.ID,
		"properties": map[string]any{
			"roleName":         r.Name,
			"type":             "BuiltInRole",
			"description":      r.Description,
			"assignableScopes": nonNil(r.AssignableScopes),
			"permissions":      []any{perm},
			"createdOn":        "2015-02-02T21:55:09.8806423Z",
			"updatedOn":        "2015-02-02T21:55:09.8806423Z",
			"createdBy":        nil,
			"updatedBy":        nil,
		},
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func indexFold(s, sub string) int { return strings.Index(strings.ToLower(s), strings.ToLower(sub)) }

// filterValue takes the quoted value of `name eq '...'` out of an OData $filter.
func filterValue(filter, name string) (string, bool) {
	i := indexFold(filter, name+" eq '")
	if i < 0 {
		return "", false
	}
	rest := filter[i+len(name)+5:]
	v, _, ok := strings.Cut(rest, "'")
	return v, ok
}

// serveRoleAssignments: {scope}/providers/Microsoft.Authorization/roleAssignments[/{name}].
func (s *server) serveRoleAssignments(rc *requestContext, scope, name string) {
	r := rc.r
	switch {
	case name == "" && r.Method == http.MethodGet:
		if !rc.authorize("Microsoft.Authorization/roleAssignments/read", scopeOrRoot(scope)) {
			return
		}
		filter := r.URL.Query().Get("$filter")
		atScope := strings.Contains(strings.ToLower(filter), "atscope()")
		principal, byPrincipal := filterValue(filter, "principalId")
		var out []any
		s.rbac.mu.Lock()
		for i := range s.rbac.assignments {
			a := &s.rbac.assignments[i]
			// A list at a scope shows the assignments above it and below
			// it; atScope() keeps those above and at it.
			if !within(scope, a.Scope) && (atScope || !within(a.Scope, scope)) {
				continue
			}
			if byPrincipal && !strings.EqualFold(a.PrincipalID, principal) {
				continue
			}
			out = append(out, assignmentJSON(a))
		}
		s.rbac.mu.Unlock()
		rc.writePage(out, false)
	case name != "" && r.Method == http.MethodGet:
		if !rc.authorize("Microsoft.Authorization/roleAssignments/read", scopeOrRoot(scope)) {
			return
		}
		s.rbac.mu.Lock()
		defer s.rbac.mu.Unlock()
		if a := s.rbac.find(scope, name); a != nil {
			rc.writeJSON(http.StatusOK, assignmentJSON(a))
			return
		}
		rc.fail(http.StatusNotFound, "RoleAssignmentNotFound", "The role assignment '"+name+"' is not found.")
	case name != "" && r.Method == http.MethodPut:
		s.createRoleAssignment(rc, scope, name)
	case name != "" && r.Method == http.MethodDelete:
		if !rc.authorize("Microsoft.Authorization/roleAssignments/delete", scopeOrRoot(scope)) {
			return
		}
		s.rbac.mu.Lock()
		defer s.rbac.mu.Unlock()
		for i := range s.rbac.assignments {
			a := &s.rbac.assignments[i]
			if strings.EqualFold(a.Name, name) && strings.EqualFold(a.Scope, scope) {
				body := assignmentJSON(a)
				s.rbac.assignments = append(s.rbac.assignments[:i], s.rbac.assignments[i+1:]...)
				rc.writeJSON(http.StatusOK, body)
				return
			}
		}
		rc.w.WriteHeader(http.StatusNoContent)
	default:
		rc.fail(http.StatusMethodNotAllowed, "MethodNotAllowed", "The requested resource does not support http method '"+r.Method+"'.")
	}
}

func scopeOrRoot(scope string) string { return cmp.Or(scope, "/") }

func (r *rbac) find(scope, name string) *assignment {
	for i := range r.assignments {
		a := &r.assignments[i]
		if strings.EqualFold(a.Name, name) && strings.EqualFold(a.Scope, scope) {
			return a
		}
	}
	return nil
}

func (s *server) createRoleAssignment(rc *requestContext, scope, name string) {
	if !guidPattern().MatchString(name) {
		rc.fail(http.StatusBadRequest, "InvalidRoleAssignmentId", "The role assignment ID '"+name+"' is not valid. The role assignment ID must be a GUID.")
		return
	}
	var body struct {
		Properties struct {
			RoleDefinitionID string `json:"roleDefinitionId"`
			PrincipalID      string `json:"principalId"`
			PrincipalType    string `json:"principalType"`
		} `json:"properties"`
	}
	if err := json.NewDecoder(rc.r.Body).Decode(&body); err != nil {
		rc.fail(http.StatusBadRequest, "InvalidRequestContent", "The request content was invalid and could not be deserialized: '"+err.Error()+"'.")
		return
	}
	if !rc.authorize("Microsoft.Authorization/roleAssignments/write", scopeOrRoot(scope)) {
		return
	}
	p := body.Properties
	role, ok := azroles.ByID(p.RoleDefinitionID)
	if !ok || !strings.Contains(strings.ToLower(p.RoleDefinitionID), "/providers/microsoft.authorization/roledefinitions/") {
		rc.fail(http.StatusBadRequest, "RoleDefinitionDoesNotExist", "The specified role definition with ID '"+lastSegment(p.RoleDefinitionID)+"' does not exist.")
		return
	}
	if !s.principalExists(p.PrincipalID) {
		rc.fail(http.StatusBadRequest, "PrincipalNotFound", fmt.Sprintf(
			"Principal %s does not exist in the directory %s. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype",
			strings.ReplaceAll(p.PrincipalID, "-", ""), rc.caller.tid))
		return
	}
	s.rbac.mu.Lock()
	defer s.rbac.mu.Unlock()
	for i := range s.rbac.assignments {
		a := &s.rbac.assignments[i]
		if strings.EqualFold(a.Scope, scope) && strings.EqualFold(a.PrincipalID, p.PrincipalID) && a.role.ID == role.ID {
			rc.fail(http.StatusConflict, "RoleAssignmentExists", "The role assignment already exists.")
			return
		}
	}
	if s.rbac.find(scope, name) != nil {
		rc.fail(http.StatusConflict, "RoleAssignmentUpdateNotPermitted", "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.")
		return
	}
	a := assignment{RoleAssignment: RoleAssignment{Name: strings.ToLower(name), Scope: scope, Role: role.ID,
		PrincipalID: p.PrincipalID, PrincipalType: cmp.Or(p.PrincipalType, "User")}, role: role, created: s.cfg.Now()}
	s.rbac.assignments = append(s.rbac.assignments, a)
	rc.writeJSON(http.StatusCreated, assignmentJSON(&a))
}

func lastSegment(s string) string {
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// serveRoleDefinitions: {scope}/providers/Microsoft.Authorization/roleDefinitions[/{id}].
func (s *server) serveRoleDefinitions(rc *requestContext, scope, id string) {
	if rc.r.Method != http.MethodGet {
		rc.fail(http.StatusMethodNotAllowed, "MethodNotAllowed", "The requested resource does not support http method '"+rc.r.Method+"'.")
		return
	}
	if scope != "" && !rc.authorize("Microsoft.Authorization/roleDefinitions/read", scope) {
		return
	}
	if id != "" {
		r, ok := azroles.ByID(id)
		if !ok {
			rc.fail(http.StatusNotFound, "RoleDefinitionDoesNotExist", "The specified role definition with ID '"+id+"' does not exist.")
			return
		}
		rc.writeJSON(http.StatusOK, roleDefinitionJSON(r, scope))
		return
	}
	name, byName := filterValue(rc.r.URL.Query().Get("$filter"), "roleName")
	var out []any
	for _, r := range azroles.All() {
		if !byName || strings.EqualFold(r.Name, name) {
			out = append(out, roleDefinitionJSON(r, scope))
		}
	}
	rc.writePage(out, false)
}

// seededName is a stable GUID for a seeded assignment.
func seededName(key string) string {
	h := sha256.Sum256([]byte(key))
	h[6] = h[6]&0x0f | 0x40
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}
