package bindings_test

import (
	"strings"
	"testing"

	"github.com/azrepl/azrepl/errcode"
)

func TestGraphPermissions(t *testing.T) {
	h := newHarness(t, offline())
	got := h.value(`graph.permissions("/users/alice@contoso.com/memberOf")`)
	if got["method"] != "GET" || got["template"] != "/users/{id}/memberof" {
		t.Errorf("method/template = %v %v", got["method"], got["template"])
	}
	app := got["application"].(map[string]any)
	if least := app["least"].([]any); len(least) == 0 || least[0] != "Directory.Read.All" {
		t.Errorf("application least = %v", least)
	}
	post := h.value(`graph.beta.permissions("post /v1.0/groups")`)
	if post["method"] != "POST" || post["application"].(map[string]any)["least"].([]any)[0] != "Group.Create" {
		t.Errorf("POST /groups = %v", post)
	}
	if e := h.thrown(`graph.permissions("/no/such/api")`); e["code"] != errcode.NotFound {
		t.Errorf("unknown path: %v", e)
	}
	if e := h.thrown(`graph.permissions()`); e["code"] != errcode.BadArgument {
		t.Errorf("no argument: %v", e)
	}
}

func TestGraphPermission(t *testing.T) {
	h := newHarness(t, offline())
	p := h.value(`graph.permission("group.read.all")`)
	app := p["application"].(map[string]any)
	if p["name"] != "Group.Read.All" || app["id"] != "5b567255-7703-4780-807c-7be8301ae99b" || app["requiresAdminConsent"] != true {
		t.Errorf("Group.Read.All = %v", p)
	}
	if d := h.value(`graph.permission("User.Read")`)["delegated"].(map[string]any); d["requiresAdminConsent"] != false || d["userDisplayName"] == "" {
		t.Errorf("User.Read delegated = %v", d)
	}
	e := h.thrown(`graph.permission("User.Reed")`)
	if e["code"] != errcode.NotFound || !strings.Contains(e["message"].(string), "did you mean User.Read?") {
		t.Errorf("typo: %v", e)
	}
}

func TestARMRoles(t *testing.T) {
	h := newHarness(t, offline())
	got := h.js(`arm.roles("Microsoft.Resources/subscriptions/resourceGroups/read").map(r => r.name)`)
	if !strings.Contains(got, `"Reader"`) || !strings.Contains(got, `"Owner"`) {
		t.Errorf("readers of resource groups: %s", got)
	}
	if got := h.js(`arm.roles("Microsoft.Authorization/roleAssignments/write").map(r => r.name)`); strings.Contains(got, "Reader") || strings.Contains(got, `"Contributor"`) {
		t.Errorf("role assignment writers: %s", got)
	}
	if e := h.thrown(`arm.roles("")`); e["code"] != errcode.BadArgument {
		t.Errorf("empty action: %v", e)
	}
}
