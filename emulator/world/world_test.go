package world

import (
	"math/rand/v2"
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
