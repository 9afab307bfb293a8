package graphperm

import (
	"slices"
	"testing"
)

func names(gs []Grant) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.String()
	}
	return out
}

func TestLookupMatchesTemplates(t *testing.T) {
	for _, c := range []struct{ method, path, template string }{
		{"GET", "/groups", "/groups"},
		{"get", "/v1.0/groups?$top=5", "/groups"},
		{"GET", "https://graph.microsoft.com/beta/groups/$count", "/groups"},
		{"GET", "/users/alice@contoso.com/memberOf", "/users/{id}/memberof"},
		{"GET", "/users/alice%40contoso.com", "/users/{id}"},
		{"GET", "/users/x/memberOf/microsoft.graph.group", "/users/{id}/memberof"},
		{"GET", "/me/drive/root:/Documents/a b.txt:/content", "/me/drive/root:/{id}:/content"},
		{"GET", "/users/delta", "/users/delta"},
		{"POST", "/groups", "/groups"},
		{"HEAD", "/me", "/me"},
	} {
		r, ok := Lookup(c.method, c.path)
		if !ok {
			t.Errorf("%s %s: not found", c.method, c.path)
			continue
		}
		if r.Template != c.template {
			t.Errorf("%s %s: template %q, want %q", c.method, c.path, r.Template, c.template)
		}
	}
	for _, c := range [][2]string{{"GET", "/nosuchthing"}, {"TRACE", "/groups"}, {"GET", ""}, {"PUT", "/me"}} {
		if r, ok := Lookup(c[0], c[1]); ok {
			t.Errorf("%s %q: found %s, want nothing", c[0], c[1], r.Template)
		}
	}
}

func TestLookupSchemes(t *testing.T) {
	r, _ := Lookup("POST", "/groups")
	if got := names(r.Schemes[Application].Least); !slices.Equal(got, []string{"Group.Create"}) {
		t.Errorf("POST /groups application least = %v", got)
	}
	if got := names(r.Schemes[DelegatedWork].Least); !slices.Equal(got, []string{"Group.ReadWrite.All"}) {
		t.Errorf("POST /groups delegated least = %v", got)
	}
	if r.Schemes[DelegatedPersonal].Supported() {
		t.Errorf("POST /groups: personal accounts should not be supported: %v", r.Schemes[DelegatedPersonal])
	}
	me, _ := Lookup("GET", "/me")
	if me.Schemes[Application].Supported() {
		t.Error("GET /me: no application permission grants it")
	}
	has := func(set ...string) func(string) bool { return func(p string) bool { return slices.Contains(set, p) } }
	if !me.Allows(DelegatedWork, has("User.Read")) || me.Allows(DelegatedWork, has("Mail.Read")) || me.Allows(Application, has("User.Read.All")) {
		t.Error("GET /me: Allows disagrees with the data")
	}
	// AlsoRequires: the grant counts only with one of the extra permissions.
	found := false
	for _, p := range []string{"/servicePrincipals/{id}/owners/$ref"} {
		r, ok := Lookup("POST", p)
		if !ok {
			continue
		}
		for _, g := range r.Schemes[Application].All {
			if len(g.AlsoRequires) == 0 {
				continue
			}
			found = true
			if r.Allows(Application, has(g.Permission)) && !slices.ContainsFunc(r.Schemes[Application].All, func(o Grant) bool { return o.Permission == g.Permission && len(o.AlsoRequires) == 0 }) {
				t.Errorf("%s allowed without %v", g.Permission, g.AlsoRequires)
			}
			if !r.Allows(Application, has(g.Permission, g.AlsoRequires[0])) {
				t.Errorf("%s and %s not allowed", g.Permission, g.AlsoRequires[0])
			}
		}
	}
	if !found {
		t.Log("no AlsoRequires grant on the sampled path")
	}
}

// TestPermissionIDs compares ids with the Microsoft Graph permissions
// reference, https://learn.microsoft.com/graph/permissions-reference.
func TestPermissionIDs(t *testing.T) {
	for _, c := range []struct{ name, delegated, application string }{
		{"Group.Read.All", "5f8c59db-677d-491f-a6b8-5f174b11ec1d", "5b567255-7703-4780-807c-7be8301ae99b"},
		{"User.Read", "e1fe6dd8-ba31-4d61-89e7-88639da4683d", ""},
		{"User.Read.All", "a154be20-db9c-4678-8ab7-66f6cc099a59", "df021288-bdef-4463-88db-98f22de89214"},
		{"GroupMember.Read.All", "bc024368-1153-4739-b217-4326f2e966d0", "98830695-27a2-44f7-8c18-0c3ebc9698f6"},
		{"Directory.Read.All", "06da0dbc-49e2-44d2-8312-53f166ab848a", "7ab1d382-f21e-4acd-a863-ba3e13f7da61"},
	} {
		p, ok := Get(c.name)
		if !ok {
			t.Errorf("%s: not found", c.name)
			continue
		}
		if p.DelegatedID != c.delegated || p.ApplicationID != c.application {
			t.Errorf("%s: ids %q %q, want %q %q", c.name, p.DelegatedID, p.ApplicationID, c.delegated, c.application)
		}
	}
	if p, ok := Get("group.read.all"); !ok || p.Name != "Group.Read.All" {
		t.Error("Get is not case-insensitive")
	}
	app := mustGet(t, "Group.Read.All").Scheme(Application)
	if app == nil || !app.AdminConsent || app.AdminDisplayName != "Read all groups" {
		t.Errorf("Group.Read.All application scheme = %+v", app)
	}
	if d := mustGet(t, "User.Read").Scheme(DelegatedWork); d == nil || d.AdminConsent {
		t.Errorf("User.Read needs no admin consent: %+v", d)
	}
}

func mustGet(t *testing.T, name string) *Permission {
	p, ok := Get(name)
	if !ok {
		t.Fatalf("%s: not found", name)
	}
	return p
}

func TestSuggest(t *testing.T) {
	for in, want := range map[string]string{"User.Reed": "User.Read", "group.read.al": "Group.Read.All", "Mail.Sned": "Mail.Send"} {
		if got, ok := Suggest(in); !ok || got != want {
			t.Errorf("Suggest(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if got, ok := Suggest("Completely.Unrelated.Words"); ok {
		t.Errorf("Suggest of nonsense = %q", got)
	}
	if !slices.IsSortedFunc(Names(), func(a, b string) int { return cmpFold(a, b) }) || len(Names()) < 500 {
		t.Errorf("Names: %d names, sorted case-insensitively expected", len(Names()))
	}
}

// TestDecodeDamaged: a truncated table is an error, never a panic.
func TestDecodeDamaged(t *testing.T) {
	if _, err := decode(tableGz[:len(tableGz)/2]); err == nil {
		t.Error("a truncated table decoded")
	}
}

func BenchmarkLookup(b *testing.B) {
	Names() // the one-time load is not part of a lookup
	paths := []string{"/v1.0/groups", "/users/alice@contoso.com/memberOf", "/me/drive/root:/a/b.txt:/content", "/beta/users/x/messages/y/attachments"}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, ok := Lookup("GET", paths[i%len(paths)]); !ok {
			b.Fatal("not found")
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := decode(tableGz); err != nil {
			b.Fatal(err)
		}
	}
}
