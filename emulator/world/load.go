package world

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

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
	if w.RoleAssignments == nil {
		w.RoleAssignments = seedRoleAssignments(&w)
	}
	for _, a := range w.RoleAssignments {
		if _, err := w.ResolveAssignment(a); err != nil {
			return nil, fmt.Errorf("world %s: %w", path, err)
		}
	}
	return &w, nil
}
