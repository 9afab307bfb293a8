package graph

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/fixture"
	"github.com/golang-jwt/jwt/v5"
)

const partnerTenant = "5e3a1f00-0000-4000-8000-00000000beef"

// A guest's token for the inviting tenant sees that tenant's directory:
// its own guest object on /me, none of the home tenant's users or groups;
// a tenant Graph does not know is still refused.
func TestGuestTenantDirectory(t *testing.T) {
	guest := User{ID: "99999999-9999-4999-8999-999999999999", DisplayName: "Alice Smith",
		UserPrincipalName: "alice_contoso.onmicrosoft.com#EXT#@partner.onmicrosoft.com", Mail: "alice@contoso.onmicrosoft.com"}
	srv := httptest.NewTLSServer(New(Config{TenantID: fixture.Tenant, PublicKey: &fixture.Key().PublicKey,
		Users: testUsers(), Groups: testGroups(5), Now: func() time.Time { return fixture.Now },
		Guests: []GuestDirectory{{TenantID: partnerTenant, Users: []User{guest}}}}))
	t.Cleanup(srv.Close)
	tok := mint(t, jwt.MapClaims{"tid": partnerTenant, "iss": "https://sts.windows.net/" + partnerTenant + "/",
		"oid": guest.ID, "scp": "User.Read Group.Read.All User.ReadBasic.All", "idtyp": "user"})

	me := get(t, srv, "/v1.0/me", tok, nil)
	if me.status != 200 || me.json(t)["id"] != guest.ID || me.json(t)["userPrincipalName"] != guest.UserPrincipalName {
		t.Fatalf("/me as a guest: %d %s", me.status, me.body)
	}
	groups := get(t, srv, "/v1.0/groups", tok, nil)
	if v, _ := groups.json(t)["value"].([]any); groups.status != 200 || v == nil || len(v) != 0 {
		t.Fatalf("the partner's groups: %d %s", groups.status, groups.body)
	}
	if r := get(t, srv, "/v1.0/users/"+testUsers()[1].ID, tok, nil); r.status != 404 {
		t.Fatalf("a home user from the partner tenant: %d %s", r.status, r.body)
	}
	// The home tenant is unchanged.
	if r := get(t, srv, "/v1.0/groups", userToken(t, "Group.Read.All"), nil); r.status != 200 || len(r.json(t)["value"].([]any)) != 5 {
		t.Fatalf("home groups: %d", r.status)
	}
	other := mint(t, jwt.MapClaims{"tid": "00000000-0000-0000-0000-000000000001", "oid": guest.ID, "scp": "User.Read"})
	if r := get(t, srv, "/v1.0/me", other, nil); r.status != 401 {
		t.Fatalf("an unknown tenant: %d %s", r.status, r.body)
	}
}
