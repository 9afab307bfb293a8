package world

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// maxIndex bounds the random indexes tried: the most groups the emulator seeds (MaxGroups).
const maxIndex = 1_000_000

// Seeded group ids are distinct GUIDs that give back their index.
func TestSeededGroupIDs(t *testing.T) {
	seen := map[string]bool{}
	for _, i := range []int{0, 1, 2, 999, 1000, 999_999, 1 << 40} {
		id := seededGroupID(i)
		if len(id) != 36 || id[14] != '4' || seen[id] {
			t.Fatalf("group %d: id %q", i, id)
		}
		seen[id] = true
		if j, ok := SeededGroupIndex(id); !ok || j != i {
			t.Fatalf("SeededGroupIndex(%q) = %d %v, want %d", id, j, ok, i)
		}
	}
	if _, ok := SeededGroupIndex(SeedGUID("user/alice")); ok {
		t.Fatal("a user id taken for a group")
	}
}

// Seeded user ids and UPNs give back their index, and are nobody else's.
func TestSeededUserIDs(t *testing.T) {
	w := &World{Domain: "contoso.onmicrosoft.com"}
	r := rand.New(rand.NewPCG(1, 2))
	idx := []int{0, 1, 9, 999_999, 1_000_000, 9_999_998}
	for range 1000 {
		idx = append(idx, r.IntN(maxIndex))
	}
	for _, i := range idx {
		u := w.SeededUser(i)
		for _, key := range []string{u.ID, strings.ToUpper(u.ID), u.UserPrincipalName, strings.ToUpper(u.UserPrincipalName)} {
			if j, ok := w.SeededUserIndex(key); !ok || j != i {
				t.Fatalf("SeededUserIndex(%q) = %d %v, want %d", key, j, ok, i)
			}
		}
		if _, ok := SeededGroupIndex(u.ID); ok {
			t.Fatalf("user %d's id %s taken for a group", i, u.ID)
		}
		if _, ok := w.SeededUserIndex(seededGroupID(i)); ok {
			t.Fatalf("group %d's id taken for a user", i)
		}
	}
	if u := w.SeededUser(41); u.UserPrincipalName != "user0000042@contoso.onmicrosoft.com" || u.ID[14] != '4' || len(u.ID) != 36 {
		t.Fatalf("user 41: %+v", u)
	}
	for _, key := range []string{"user42@contoso.onmicrosoft.com", "user0000042@fabrikam.com", "user0000000@contoso.onmicrosoft.com",
		"user+000042@contoso.onmicrosoft.com", "alice@contoso.onmicrosoft.com", SeedGUID("user/alice"), "user0000042"} {
		if i, ok := w.SeededUserIndex(key); ok {
			t.Fatalf("SeededUserIndex(%q) = %d", key, i)
		}
	}
}

// --users, --jobs and --clusters replace the seeded world's counts but only
// fill in a loaded world's missing ones, as --groups does.
func TestApplyCounts(t *testing.T) {
	seeded := Seed(1)
	seeded.ApplyCounts(5, 9, 0, false)
	if seeded.UserCount != 5 || seeded.Databricks.Jobs != 9 || seeded.Databricks.Clusters != 3 {
		t.Fatalf("seeded: %d users, %d jobs, %d clusters", seeded.UserCount, seeded.Databricks.Jobs, seeded.Databricks.Clusters)
	}
	loaded := Seed(1)
	loaded.ApplyCounts(5, 9, 0, true)
	if loaded.UserCount != 5 || loaded.Databricks.Jobs != 45 || loaded.Databricks.Clusters != 3 {
		t.Fatalf("loaded: %d users, %d jobs, %d clusters", loaded.UserCount, loaded.Databricks.Jobs, loaded.Databricks.Clusters)
	}
}

// The seeded role assignments resolve to the world's principals: alice in
// the partner tenant's subscription is her guest object there; an unknown
// role or principal in tenant.json is refused when it loads.
func TestRoleAssignments(t *testing.T) {
	w := Seed(1)
	byPrincipal := map[string]ResolvedAssignment{}
	for _, a := range w.RoleAssignments {
		r, err := w.ResolveAssignment(a)
		if err != nil {
			t.Fatal(err)
		}
		byPrincipal[a.Principal+" "+r.Scope] = r
	}
	home, partner := "/subscriptions/"+w.Subscriptions[0].ID, "/subscriptions/"+w.Subscriptions[1].ID
	alice := w.User("alice")
	if r := byPrincipal["alice "+home]; r.PrincipalID != alice.ObjectID || r.RoleID != "8e3af657-a8ff-443c-a75c-2fe8c4bcb635" || r.PrincipalType != "User" {
		t.Fatalf("alice at home: %+v", r)
	}
	if r := byPrincipal["alice "+partner]; r.PrincipalID != w.GuestTenants[0].GuestObjectID(alice) {
		t.Fatalf("alice as a guest: %+v", r)
	}
	for _, name := range []string{"story-app", "api-app", "carol"} {
		if _, ok := byPrincipal[name+" "+home]; ok {
			t.Errorf("%s has a seeded Azure role", name)
		}
	}
	for _, bad := range []RoleAssignment{{Principal: "alice", Role: "Overlord"}, {Principal: "nobody", Role: "Reader"},
		{Principal: "bob", Role: "Reader", Scope: partner}, {Principal: "alice", Role: "Reader", Scope: "/subscriptions/unknown"}} {
		w.RoleAssignments = []RoleAssignment{bad}
		path := filepath.Join(t.TempDir(), "tenant.json")
		b, _ := json.Marshal(w)
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(path, 0); err == nil {
			t.Errorf("%+v loaded", bad)
		}
	}
}
