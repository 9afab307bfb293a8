package arm

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/fixture"
	"github.com/golang-jwt/jwt/v5"
)

const (
	rbacSub     = "00000000-0000-4000-8000-000000000001"
	partnerSub  = "00000000-0000-4000-8000-000000000002"
	partner     = "11111111-2222-4333-8444-555555555555"
	aliceOID    = "a11ce000-0000-4000-8000-000000000001"
	aliceGuest  = "a11ce000-0000-4000-8000-0000000000ff"
	bobOID      = "b0b00000-0000-4000-8000-000000000002"
	carolOID    = "ca201000-0000-4000-8000-000000000003"
	opsGroup    = "90000000-0000-4000-8000-000000000009"
	appOID      = "app00000-0000-4000-8000-000000000004"
	appClientID = "c11e0700-0000-4000-8000-000000000004"
	uaaOID      = "aaa00000-0000-4000-8000-000000000005"
)

// rbacServer: alice Owner, bob Reader, carol Contributor through a group,
// an app with no role, an admin with User Access Administrator; alice is a
// guest of a partner tenant that holds a subscription where she is Reader.
func rbacServer(t *testing.T) *httptest.Server {
	sub := "/subscriptions/" + rbacSub
	srv := httptest.NewTLSServer(New(Config{TenantID: fixture.Tenant, TenantDisplayName: "Contoso", DefaultDomain: "contoso.onmicrosoft.com",
		PublicKey: &fixture.Key().PublicKey, Now: func() time.Time { return fixture.Now },
		Subscriptions: []Subscription{{ID: rbacSub, DisplayName: "Home"}, {ID: partnerSub, DisplayName: "Partner", TenantID: partner}},
		Tenants:       []Tenant{{ID: partner, DisplayName: "Contoso Partner", DefaultDomain: "partner.onmicrosoft.com"}},
		RBAC:          true,
		RoleAssignments: []RoleAssignment{
			{Scope: sub, Role: "Owner", PrincipalID: aliceOID, PrincipalType: "User"},
			{Scope: sub, Role: "Reader", PrincipalID: bobOID, PrincipalType: "User"},
			{Scope: sub, Role: "b24988ac-6180-42a0-ab88-20f7382dd24c", PrincipalID: opsGroup, PrincipalType: "Group"},
			{Scope: sub, Role: "User Access Administrator", PrincipalID: uaaOID, PrincipalType: "User"},
			{Scope: "/subscriptions/" + partnerSub, Role: "Reader", PrincipalID: aliceGuest, PrincipalType: "User"},
		},
		Principals: []Principal{
			{ObjectID: aliceOID, Type: "User", GuestIDs: map[string]string{partner: aliceGuest}},
			{ObjectID: bobOID, Type: "User"}, {ObjectID: carolOID, Type: "User", MemberOf: []string{opsGroup}},
			{ObjectID: opsGroup, Type: "Group"}, {ObjectID: appOID, Type: "ServicePrincipal"}, {ObjectID: uaaOID, Type: "User"},
		},
	}))
	t.Cleanup(srv.Close)
	return srv
}

func userToken(t *testing.T, oid, upn string) string {
	return token(t, jwt.MapClaims{"oid": oid, "upn": upn})
}

func subscriptionIDs(m map[string]any) []string {
	var out []string
	for _, v := range m["value"].([]any) {
		out = append(out, v.(map[string]any)["subscriptionId"].(string))
	}
	return out
}

func TestRBACAuthorizationFailed(t *testing.T) {
	srv := rbacServer(t)
	rg := "/subscriptions/" + rbacSub + "/resourcegroups/DataCheck2"
	alice, bob := userToken(t, aliceOID, "alice@contoso.onmicrosoft.com"), userToken(t, bobOID, "bob@contoso.onmicrosoft.com")
	app := token(t, jwt.MapClaims{"oid": appOID, "appid": appClientID, "idtyp": "app"})

	// A Reader reads but may not write; the text is ARM's (Azure/azure-cli#14773).
	if status, _, m := call(t, srv, bob, "GET", "/subscriptions/"+rbacSub+"/resourcegroups?api-version=2021-04-01", ""); status != 200 {
		t.Fatalf("bob lists groups: %d %v", status, m)
	}
	status, _, m := call(t, srv, bob, "PUT", rg+"?api-version=2021-04-01", `{"location":"westeurope"}`)
	code, msg := fixture.ErrorCodeMessage(m)
	want := "The client 'bob@contoso.onmicrosoft.com' with object id '" + bobOID + "' does not have authorization to perform action 'Microsoft.Resources/subscriptions/resourcegroups/write' over scope '" + rg + "' or the scope is invalid. If access was recently granted, please refresh your credentials."
	if status != 403 || code != "AuthorizationFailed" || msg != want {
		t.Fatalf("bob PUT: %d %s\n%s\nwant\n%s", status, code, msg, want)
	}
	// The owner may.
	if status, _, m := call(t, srv, alice, "PUT", rg+"?api-version=2021-04-01", `{"location":"westeurope"}`); status != 201 {
		t.Fatalf("alice PUT: %d %v", status, m)
	}
	// An app with no role sees no subscription and may not read groups; it
	// is named by its client id.
	status, _, m = call(t, srv, app, "GET", "/subscriptions?api-version=2022-12-01", "")
	if status != 200 || len(subscriptionIDs(m)) != 0 {
		t.Fatalf("app lists %d %v", status, m)
	}
	status, _, m = call(t, srv, app, "GET", "/subscriptions/"+rbacSub+"/resourcegroups?api-version=2021-04-01", "")
	if code, msg := fixture.ErrorCodeMessage(m); status != 403 || code != "AuthorizationFailed" || !strings.HasPrefix(msg, "The client '"+appClientID+"' with object id '"+appOID+"'") {
		t.Fatalf("app lists groups: %d %v", status, m)
	}
	// Contributor through a group: writes, but may not grant roles.
	carol := userToken(t, carolOID, "carol@contoso.onmicrosoft.com")
	if status, _, m := call(t, srv, carol, "PATCH", rg+"?api-version=2021-04-01", `{"tags":{"a":"b"}}`); status != 200 {
		t.Fatalf("carol PATCH: %d %v", status, m)
	}
	assign := "/subscriptions/" + rbacSub + "/providers/Microsoft.Authorization/roleAssignments/3fa85f64-5717-4562-b3fc-2c963f66afa6?api-version=2022-04-01"
	body := `{"properties":{"roleDefinitionId":"/subscriptions/` + rbacSub + `/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c","principalId":"` + appOID + `","principalType":"ServicePrincipal"}}`
	status, _, m = call(t, srv, carol, "PUT", assign, body)
	if code, msg := fixture.ErrorCodeMessage(m); status != 403 || code != "AuthorizationFailed" || !strings.Contains(msg, "'Microsoft.Authorization/roleAssignments/write'") {
		t.Fatalf("carol assigns: %d %v", status, m)
	}
}

func TestRBACRoleAssignments(t *testing.T) {
	srv := rbacServer(t)
	sub := "/subscriptions/" + rbacSub
	rgScope := sub + "/resourceGroups/apps"
	alice := userToken(t, aliceOID, "alice@contoso.onmicrosoft.com")
	admin := userToken(t, uaaOID, "admin@contoso.onmicrosoft.com")
	app := token(t, jwt.MapClaims{"oid": appOID, "appid": appClientID})
	if status, _, m := call(t, srv, alice, "PUT", rgScope+"?api-version=2021-04-01", `{"location":"East US"}`); status != 201 || m["location"] != "eastus" {
		t.Fatalf("PUT group: %d %v", status, m)
	}
	// User Access Administrator grants the app Contributor on one group.
	name := "3fa85f64-5717-4562-b3fc-2c963f66afa6"
	body := `{"properties":{"roleDefinitionId":"` + sub + `/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c","principalId":"` + appOID + `","principalType":"ServicePrincipal"}}`
	status, _, m := call(t, srv, admin, "PUT", rgScope+"/providers/Microsoft.Authorization/roleAssignments/"+name+"?api-version=2022-04-01", body)
	props, _ := m["properties"].(map[string]any)
	if status != 201 || m["id"] != rgScope+"/providers/Microsoft.Authorization/roleAssignments/"+name || props["scope"] != rgScope ||
		props["roleDefinitionId"] != sub+"/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c" {
		t.Fatalf("assign: %d %v", status, m)
	}
	if status, _, m := call(t, srv, admin, "PUT", rgScope+"/providers/Microsoft.Authorization/roleAssignments/0c7d3b3e-0000-4000-8000-000000000000?api-version=2022-04-01", body); status != 409 {
		t.Fatalf("same assignment again: %d %v", status, m)
	}
	// The admin itself may not write groups (it manages access only).
	if status, _, _ := call(t, srv, admin, "PUT", sub+"/resourceGroups/other?api-version=2021-04-01", `{"location":"westus"}`); status != 403 {
		t.Fatalf("admin PUT group: %d", status)
	}
	// Now the app sees the subscription, writes in its group, not beside it.
	if _, _, m := call(t, srv, app, "GET", "/subscriptions?api-version=2022-12-01", ""); len(subscriptionIDs(m)) != 1 {
		t.Fatalf("app lists %v", m)
	}
	if status, _, m := call(t, srv, app, "PATCH", rgScope+"?api-version=2021-04-01", `{"tags":{"env":"dev"}}`); status != 200 {
		t.Fatalf("app PATCH own group: %d %v", status, m)
	}
	if status, _, _ := call(t, srv, app, "PUT", sub+"/resourceGroups/other?api-version=2021-04-01", `{"location":"westus"}`); status != 403 {
		t.Fatalf("app PUT another group: %d", status)
	}
	// It lists only the groups it can read.
	call(t, srv, alice, "PUT", sub+"/resourceGroups/secret?api-version=2021-04-01", `{"location":"westus"}`)
	if _, _, m := call(t, srv, app, "GET", sub+"/resourcegroups?api-version=2021-04-01", ""); len(m["value"].([]any)) != 1 {
		t.Fatalf("app sees groups %v", m)
	}
	// Readable: assignments of a principal, definitions by name.
	status, _, m = call(t, srv, alice, "GET", sub+"/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=principalId%20eq%20'"+appOID+"'", "")
	if status != 200 || len(m["value"].([]any)) != 1 {
		t.Fatalf("assignments of the app: %d %v", status, m)
	}
	status, _, m = call(t, srv, alice, "GET", sub+"/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01&$filter=roleName%20eq%20'Owner'", "")
	v, _ := m["value"].([]any)
	if status != 200 || len(v) != 1 || v[0].(map[string]any)["name"] != "8e3af657-a8ff-443c-a75c-2fe8c4bcb635" {
		t.Fatalf("Owner definition: %d %v", status, m)
	}
	status, _, m = call(t, srv, alice, "GET", sub+"/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7?api-version=2022-04-01", "")
	if status != 200 || m["properties"].(map[string]any)["roleName"] != "Reader" {
		t.Fatalf("Reader definition: %d %v", status, m)
	}
	// An unknown principal, an unknown role, a name that is no GUID.
	for _, c := range []struct{ name, body, code string }{
		{"3fa85f64-5717-4562-b3fc-2c963f66afa7", strings.Replace(body, appOID, "deadbeef-0000-4000-8000-000000000000", 1), "PrincipalNotFound"},
		{"3fa85f64-5717-4562-b3fc-2c963f66afa7", strings.Replace(body, "b24988ac", "b24988ad", 1), "RoleDefinitionDoesNotExist"},
		{"not-a-guid", body, "InvalidRoleAssignmentId"},
	} {
		status, _, m := call(t, srv, admin, "PUT", sub+"/providers/Microsoft.Authorization/roleAssignments/"+c.name+"?api-version=2022-04-01", c.body)
		if code, _ := fixture.ErrorCodeMessage(m); status != 400 || code != c.code {
			t.Errorf("%s: %d %v", c.code, status, m)
		}
	}
	// Deleting the assignment takes the access away.
	if status, _, _ := call(t, srv, admin, "DELETE", rgScope+"/providers/Microsoft.Authorization/roleAssignments/"+name+"?api-version=2022-04-01", ""); status != 200 {
		t.Fatalf("DELETE assignment: %d", status)
	}
	if _, _, m := call(t, srv, app, "GET", "/subscriptions?api-version=2022-12-01", ""); len(subscriptionIDs(m)) != 0 {
		t.Fatalf("app still lists %v", m)
	}
}

func TestTenantsAndGuestSubscriptions(t *testing.T) {
	srv := rbacServer(t)
	home := userToken(t, aliceOID, "alice@contoso.onmicrosoft.com")
	guest := token(t, jwt.MapClaims{"oid": aliceGuest, "tid": partner, "iss": "https://sts.windows.net/" + partner + "/",
		"unique_name": "alice@contoso.onmicrosoft.com"})
	// /tenants lists the home tenant and the one where she is a guest,
	// with either token.
	for _, tok := range []string{home, guest} {
		status, _, m := call(t, srv, tok, "GET", "/tenants?api-version=2022-12-01", "")
		if status != 200 || len(m["value"].([]any)) != 2 {
			t.Fatalf("tenants: %d %v", status, m)
		}
	}
	bob := userToken(t, bobOID, "bob@contoso.onmicrosoft.com")
	if _, _, m := call(t, srv, bob, "GET", "/tenants?api-version=2022-12-01", ""); len(m["value"].([]any)) != 1 {
		t.Fatalf("bob's tenants: %v", m)
	}
	// /subscriptions lists the token's tenant's subscriptions.
	if _, _, m := call(t, srv, home, "GET", "/subscriptions?api-version=2022-12-01", ""); strings.Join(subscriptionIDs(m), ",") != rbacSub {
		t.Fatalf("home subscriptions %v", m)
	}
	if _, _, m := call(t, srv, guest, "GET", "/subscriptions?api-version=2022-12-01", ""); strings.Join(subscriptionIDs(m), ",") != partnerSub {
		t.Fatalf("guest subscriptions %v", m)
	}
	if status, _, m := call(t, srv, guest, "GET", "/subscriptions/"+partnerSub+"/resourcegroups?api-version=2021-04-01", ""); status != 200 {
		t.Fatalf("guest reads the partner's groups: %d %v", status, m)
	}
	// A subscription call with the other tenant's token names the right
	// authority, in the challenge and in the text (Azure/AKS#1238).
	status, h, m := call(t, srv, home, "GET", "/subscriptions/"+partnerSub+"/resourcegroups?api-version=2021-04-01", "")
	code, msg := fixture.ErrorCodeMessage(m)
	if status != 401 || code != "InvalidAuthenticationTokenTenant" ||
		!strings.Contains(msg, "Please use the authority (URL) 'https://login.windows.net/"+partner+"' to get the token. Note, if the subscription is transferred") ||
		!strings.HasPrefix(h.Get("WWW-Authenticate"), `Bearer authorization_uri="https://login.windows.net/`+partner+`"`) {
		t.Fatalf("%d %s %q %q", status, code, msg, h.Get("WWW-Authenticate"))
	}
}

func TestResourceGroupLocation(t *testing.T) {
	srv := rbacServer(t)
	alice := userToken(t, aliceOID, "alice@contoso.onmicrosoft.com")
	status, _, m := call(t, srv, alice, "PUT", "/subscriptions/"+rbacSub+"/resourcegroups/rg1?api-version=2021-04-01", `{"location":"Canada"}`)
	code, msg := fixture.ErrorCodeMessage(m)
	if status != 400 || code != "LocationNotAvailableForResourceGroup" ||
		!strings.HasPrefix(msg, "The provided location 'Canada' is not available for resource group. List of available regions is 'eastasia,southeastasia,") {
		t.Fatalf("%d %s %q", status, code, msg)
	}
}

func TestTagsAtScope(t *testing.T) {
	srv := rbacServer(t)
	alice := userToken(t, aliceOID, "alice@contoso.onmicrosoft.com")
	bob := userToken(t, bobOID, "bob@contoso.onmicrosoft.com")
	rg := "/subscriptions/" + rbacSub + "/resourceGroups/tagged"
	call(t, srv, alice, "PUT", rg+"?api-version=2021-04-01", `{"location":"westeurope","tags":{"env":"dev"}}`)
	tags := rg + "/providers/Microsoft.Resources/tags/default?api-version=2021-04-01"
	status, _, m := call(t, srv, alice, "PATCH", tags, `{"operation":"Merge","properties":{"tags":{"team":"a"}}}`)
	got, _ := json.Marshal(m["properties"])
	if status != 200 || string(got) != `{"tags":{"env":"dev","team":"a"}}` || m["id"] != rg+"/providers/Microsoft.Resources/tags/default" {
		t.Fatalf("merge: %d %s %v", status, got, m)
	}
	// The group itself shows them.
	if _, _, m := call(t, srv, bob, "GET", rg+"?api-version=2021-04-01", ""); len(m["tags"].(map[string]any)) != 2 {
		t.Fatalf("group tags %v", m)
	}
	if status, _, m := call(t, srv, bob, "PUT", tags, `{"properties":{"tags":{}}}`); status != 403 {
		t.Fatalf("reader PUT tags: %d %v", status, m)
	}
	call(t, srv, alice, "PATCH", tags, `{"operation":"Delete","properties":{"tags":{"env":""}}}`)
	if _, _, m := call(t, srv, alice, "GET", tags, ""); len(m["properties"].(map[string]any)["tags"].(map[string]any)) != 1 {
		t.Fatalf("after delete %v", m)
	}
	subTags := "/subscriptions/" + rbacSub + "/providers/Microsoft.Resources/tags/default?api-version=2021-04-01"
	if status, _, m := call(t, srv, alice, "PUT", subTags, `{"properties":{"tags":{"cost":"1"}}}`); status != 200 {
		t.Fatalf("subscription tags: %d %v", status, m)
	}
	if status, _, _ := call(t, srv, alice, "GET", "/subscriptions/"+rbacSub+"/resourceGroups/none/providers/Microsoft.Resources/tags/default?api-version=2021-04-01", ""); status != 404 {
		t.Fatalf("tags of a missing group: %d", status)
	}
}

func TestResourcesList(t *testing.T) {
	srv := rbacServer(t)
	sub := "/subscriptions/" + rbacSub
	bob, app := userToken(t, bobOID, "bob@contoso.onmicrosoft.com"), token(t, jwt.MapClaims{"oid": appOID, "appid": appClientID})
	if status, _, m := call(t, srv, bob, "GET", sub+"/resources?api-version=2021-04-01", ""); status != 200 || len(m["value"].([]any)) != 0 {
		t.Fatalf("bob: %d %v", status, m)
	}
	if status, _, _ := call(t, srv, app, "GET", sub+"/resources?api-version=2021-04-01", ""); status != 403 {
		t.Fatalf("app without a role: %d", status)
	}
	if status, _, _ := call(t, srv, bob, "GET", sub+"/resourceGroups/none/resources?api-version=2021-04-01", ""); status != 404 {
		t.Fatalf("missing group: %d", status)
	}
}
