package azroles

import (
	"encoding/json"
	"os"
	"slices"
	"testing"
)

func names(rs []Role) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return out
}

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		pattern, action string
		want            bool
	}{
		{"*", "Microsoft.Resources/subscriptions/resourcegroups/write", true},
		{"*/read", "Microsoft.Resources/subscriptions/resourceGroups/read", true},
		{"*/read", "Microsoft.Resources/subscriptions/resourceGroups/write", false},
		{"*/read", "Microsoft.Resources/subscriptions/readers/write", false},
		{"Microsoft.Authorization/*/Write", "microsoft.authorization/roleassignments/write", true},
		{"Microsoft.Authorization/*/Write", "Microsoft.Authorization/roleAssignments/read", false},
		{"Microsoft.Authorization/*", "Microsoft.Authorization/roleAssignments/write", true},
		{"Microsoft.Authorization/*", "Microsoft.AuthorizationX/roleAssignments/write", false},
		{"Microsoft.Capacity/*/read", "Microsoft.Capacity/reservationOrders/reservations/read", true},
		{"Microsoft.Support/*", "Microsoft.Support", false},
		{"a*b*c", "aXbYbZc", true},
		{"a*b*c", "aXbYbZ", false},
		{"", "", true},
	} {
		if got := Match(c.pattern, c.action); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.pattern, c.action, got, c.want)
		}
	}
}

func TestGranting(t *testing.T) {
	for _, c := range []struct {
		action string
		want   []string
	}{
		{"Microsoft.Resources/subscriptions/resourcegroups/write", []string{"Contributor", "Owner"}},
		{"Microsoft.Resources/subscriptions/resourceGroups/read", []string{"Contributor", "Owner", "Reader", "Role Based Access Control Administrator", "User Access Administrator"}},
		{"Microsoft.Authorization/roleAssignments/write", []string{"Owner", "Reservations Administrator", "Role Based Access Control Administrator", "User Access Administrator"}},
		{"Microsoft.Authorization/elevateAccess/Action", []string{"Owner", "User Access Administrator"}},
	} {
		if got := names(Granting(c.action)); !slices.Equal(got, c.want) {
			t.Errorf("Granting(%q) = %q, want %q", c.action, got, c.want)
		}
	}
	if got := GrantingData("Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"); len(got) != 0 {
		t.Errorf("data action granted by %q; none of these roles has DataActions", names(got))
	}
}

func TestLookups(t *testing.T) {
	r, ok := ByID("/subscriptions/0000/providers/Microsoft.Authorization/roleDefinitions/8E3AF657-A8FF-443C-A75C-2FE8C4BCB635")
	if !ok || r.Name != "Owner" || r.DefinitionID() != "/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635" {
		t.Fatalf("ByID(Owner) = %+v, %v", r, ok)
	}
	if r, ok := ByName("user access administrator"); !ok || r.ID != "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9" {
		t.Fatalf("ByName = %+v, %v", r, ok)
	}
	if _, ok := ByName("Overlord"); ok {
		t.Fatal("an unknown role was found")
	}
}

// TestGeneratedMatchesSource: roles_gen.go says what builtin-roles.json says
// (run `go generate` after editing the JSON).
func TestGeneratedMatchesSource(t *testing.T) {
	raw, err := os.ReadFile("builtin-roles.json")
	if err != nil {
		t.Fatal(err)
	}
	var defs []struct {
		Name, RoleName string
		Permissions    []struct{ Actions, NotActions, DataActions, NotDataActions []string }
	}
	if err := json.Unmarshal(raw, &defs); err != nil {
		t.Fatal(err)
	}
	if len(defs) != len(All()) {
		t.Fatalf("%d roles in the JSON, %d generated", len(defs), len(All()))
	}
	for _, d := range defs {
		r, ok := ByID(d.Name)
		p := d.Permissions[0]
		if !ok || r.Name != d.RoleName || !slices.Equal(r.Actions, p.Actions) || !slices.Equal(r.NotActions, p.NotActions) ||
			!slices.Equal(r.DataActions, p.DataActions) || !slices.Equal(r.NotDataActions, p.NotDataActions) {
			t.Errorf("%s: generated %+v differs from the source", d.RoleName, r)
		}
	}
}

func BenchmarkGranting(b *testing.B) {
	for b.Loop() {
		_ = Granting("Microsoft.Resources/subscriptions/resourcegroups/write")
	}
}

func TestHint(t *testing.T) {
	// The real message (Azure/azure-cli#14773).
	msg := "The client 'bob@contoso.onmicrosoft.com' with object id '1de50824-0000-4000-8000-000000000000' does not have authorization to perform action 'Microsoft.Resources/subscriptions/resourcegroups/write' over scope '/subscriptions/0000/resourcegroups/DataCheck2' or the scope is invalid. If access was recently granted, please refresh your credentials."
	action, scope, ok := FailedAction(msg)
	if !ok || action != "Microsoft.Resources/subscriptions/resourcegroups/write" || scope != "/subscriptions/0000/resourcegroups/DataCheck2" {
		t.Fatalf("FailedAction = %q %q %v", action, scope, ok)
	}
	want := "no Azure role of this identity allows Microsoft.Resources/subscriptions/resourcegroups/write over /subscriptions/0000/resourcegroups/DataCheck2; built-in roles that do: Contributor, Owner (an Owner or User Access Administrator of the scope can assign one; a new assignment needs a new token)"
	if got := Hint(msg); got != want {
		t.Fatalf("Hint =\n%s\nwant\n%s", got, want)
	}
	if Hint("Insufficient privileges to complete the operation.") != "" {
		t.Fatal("a hint for another message")
	}
}
