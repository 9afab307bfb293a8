package emulator

import (
	"net/url"
	"strings"
	"testing"
)

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
