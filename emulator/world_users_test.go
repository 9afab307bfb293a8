package emulator

import (
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"
)

// Seeded user ids and UPNs give back their index, and are nobody else's.
func TestSeededUserIDs(t *testing.T) {
	w := &World{Domain: "contoso.onmicrosoft.com"}
	r := rand.New(rand.NewPCG(1, 2))
	idx := []int{0, 1, 9, 999_999, 1_000_000, 9_999_998}
	for range 1000 {
		idx = append(idx, r.IntN(MaxGroups))
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
		"user+000042@contoso.onmicrosoft.com", "alice@contoso.onmicrosoft.com", seedGUID("user/alice"), "user0000042"} {
		if i, ok := w.SeededUserIndex(key); ok {
			t.Fatalf("SeededUserIndex(%q) = %d", key, i)
		}
	}
}

// A tenant of 200k seeded users pages correctly after the named users:
// every id once, @odata.count and /users/$count, lookups by id and by UPN,
// $filter, and the named users still first. 200k, not a million: the same
// code path, and 1M took 11-15 s here (as long as the million groups);
// under -race, 50k.
func TestManyUsersPaging(t *testing.T) {
	n := 200_000
	if raceEnabled {
		n = 50_000
	}
	em := startEmulator(t, Config{Groups: 1, Users: n})
	w := em.World()
	named := len(w.Users)
	if w.UserCount != n || w.Databricks.Jobs != 45 || w.Databricks.Clusters != 3 {
		t.Fatalf("world: %d users, %d jobs, %d clusters", w.UserCount, w.Databricks.Jobs, w.Databricks.Clusters)
	}
	fetch := readerGraph(t, em)
	seen := make([]bool, n)
	pos := 0
	type user struct {
		ID  string `json:"id"`
		UPN string `json:"userPrincipalName"`
	}
	pages, count := graphPages(fetch, "https://graph.microsoft.com/v1.0/users?$select=id,userPrincipalName&$top=999&$count=true", func(page int, v user) {
		if pos < named {
			if v.ID != w.Users[pos].ObjectID {
				t.Fatalf("user %d: %s, want %s first", pos, v.UPN, w.Users[pos].Username)
			}
		} else {
			i, ok := w.SeededUserIndex(v.ID)
			if !ok || i >= n || seen[i] || i != pos-named {
				t.Fatalf("page %d: id %q (index %d %v, at %d)", page, v.ID, i, ok, pos)
			}
			if j, _ := w.SeededUserIndex(v.UPN); j != i {
				t.Fatalf("user %d: UPN %s gives %d", i, v.UPN, j)
			}
			seen[i] = true
		}
		pos++
	})
	if pos != n+named || pages != (n+named+998)/999 || count != n+named {
		t.Fatalf("%d users in %d pages, @odata.count %d", pos, pages, count)
	}
	var total int
	fetch("https://graph.microsoft.com/v1.0/users/$count", &total)
	if total != n+named {
		t.Fatalf("/users/$count = %d", total)
	}
	for _, i := range []int{0, 41, n / 2, n - 1} {
		want := w.SeededUser(i)
		for _, key := range []string{strings.ToUpper(want.ID), want.UserPrincipalName, strings.ToUpper(want.UserPrincipalName)} {
			var got struct{ ID, DisplayName, GivenName, Surname, Mail, JobTitle string }
			fetch("https://graph.microsoft.com/beta/users/"+url.PathEscape(key), &got)
			if got.ID != want.ID || got.DisplayName != want.DisplayName || got.GivenName != want.GivenName ||
				got.Surname != want.Surname || got.Mail != want.Mail || got.JobTitle != want.JobTitle {
				t.Fatalf("users/%s: %+v, want %+v", key, got, want)
			}
		}
	}
	// $orderby over named and seeded users: the first by displayName.
	first, firstKey := "", ""
	for i := range n + named {
		id, name := "", ""
		if i < named {
			id, name = w.Users[i].ObjectID, w.Users[i].DisplayName
		} else {
			u := w.SeededUser(i - named)
			id, name = u.ID, u.DisplayName
		}
		if k := strings.ToLower(name); first == "" || k < firstKey {
			first, firstKey = id, k
		}
	}
	var sorted struct {
		Value []struct{ ID string }
	}
	fetch("https://graph.microsoft.com/v1.0/users?$orderby=displayName&$top=2&$select=id", &sorted)
	if len(sorted.Value) != 2 || sorted.Value[0].ID != first {
		t.Fatalf("$orderby: %+v, want %s first", sorted.Value, first)
	}
	last := w.SeededUser(n - 1)
	var filtered struct {
		Value []struct{ ID string }
	}
	fetch("https://graph.microsoft.com/v1.0/users?$filter="+url.QueryEscape("startswith(userPrincipalName,'"+last.UserPrincipalName[:11]+"')"), &filtered)
	if len(filtered.Value) != 1 || filtered.Value[0].ID != last.ID {
		t.Fatalf("$filter startswith UPN: %+v", filtered.Value)
	}
	fetch("https://graph.microsoft.com/v1.0/users?$filter="+url.QueryEscape("displayName eq '"+last.DisplayName+"'"), &filtered)
	if len(filtered.Value) != 1 || filtered.Value[0].ID != last.ID {
		t.Fatalf("$filter displayName eq: %+v", filtered.Value)
	}
}

// --users, --jobs and --clusters replace the seeded world's counts but only
// fill in a loaded world's missing ones, as --groups does.
func TestApplyCounts(t *testing.T) {
	cfg := Config{Users: 5, Jobs: 9}
	seeded := seedWorld(1)
	seeded.applyCounts(cfg, false)
	if seeded.UserCount != 5 || seeded.Databricks.Jobs != 9 || seeded.Databricks.Clusters != 3 {
		t.Fatalf("seeded: %d users, %d jobs, %d clusters", seeded.UserCount, seeded.Databricks.Jobs, seeded.Databricks.Clusters)
	}
	loaded := seedWorld(1)
	loaded.applyCounts(cfg, true)
	if loaded.UserCount != 5 || loaded.Databricks.Jobs != 45 || loaded.Databricks.Clusters != 3 {
		t.Fatalf("loaded: %d users, %d jobs, %d clusters", loaded.UserCount, loaded.Databricks.Jobs, loaded.Databricks.Clusters)
	}
}
