package arm

import (
	"strings"
	"testing"

	"github.com/azrepl/azrepl/emulator/internal/fixture"
)

func TestResourceGroupsAsyncDeletion(t *testing.T) {
	srv := newServer(t, 1)
	sub := "/subscriptions/00000000-0000-4000-8000-000000000000"
	rg := sub + "/resourceGroups/rg-One?api-version=2021-04-01"
	if st, _, m := send(t, srv, "PUT", rg, `{}`); st != 400 || m["error"].(map[string]any)["code"] != "LocationRequired" {
		t.Fatalf("no location: %d %v", st, m)
	}
	st, _, m := send(t, srv, "PUT", rg, `{"location": "West Europe"}`)
	if st != 201 || m["id"] != sub+"/resourceGroups/rg-One" || m["location"] != "westeurope" {
		t.Fatalf("create: %d %v", st, m)
	}
	if st, _, _ := send(t, srv, "PUT", strings.Replace(rg, "rg-One", "RG-ONE", 1), `{"location": "westeurope"}`); st != 200 {
		t.Fatalf("update (names are case-insensitive): %d", st)
	}
	if st, _, m := send(t, srv, "PUT", rg, `{"location": "eastus"}`); st != 409 || m["error"].(map[string]any)["code"] != "InvalidResourceGroupLocation" {
		t.Fatalf("another location: %d %v", st, m)
	}
	st, h, _ := send(t, srv, "DELETE", rg, "")
	loc := h.Get("Location")
	if st != 202 || !strings.Contains(loc, sub+"/operationresults/") || !strings.HasSuffix(loc, "api-version=2021-04-01") || h.Get("Retry-After") == "" {
		t.Fatalf("delete: %d %v", st, h)
	}
	if _, _, m := send(t, srv, "GET", rg, ""); m["properties"].(map[string]any)["provisioningState"] != "Deleting" {
		t.Fatalf("during deletion: %v", m)
	}
	if st, _, m := send(t, srv, "PUT", rg, `{"location": "westeurope"}`); st != 409 || m["error"].(map[string]any)["code"] != "ResourceGroupBeingDeleted" {
		t.Fatalf("PUT while deleting: %d %v", st, m)
	}
	st, h, _ = send(t, srv, "GET", loc, "")
	if st != 202 || h.Get("Location") == "" {
		t.Fatalf("first poll: %d %v", st, h)
	}
	if st, _, _ := send(t, srv, "GET", loc, ""); st != 200 {
		t.Fatalf("second poll: %d", st)
	}
	st, _, m = send(t, srv, "GET", rg, "")
	if e, _ := m["error"].(map[string]any); st != 404 || e["code"] != "ResourceGroupNotFound" || len(e) != 2 {
		t.Fatalf("after deletion: %d %v (ARM's envelope has code and message only)", st, m)
	}
}

func TestAPIVersionPerResourceType(t *testing.T) {
	srv := newServer(t, 1)
	sub := "/subscriptions/00000000-0000-4000-8000-000000000000"
	cases := []struct {
		path, version string
		ok            bool
	}{
		{"/tenants", "2022-12-01", true},
		{"/subscriptions", "2016-06-01", true},
		{sub + "/resourcegroups", "2021-04-01", true},
		{sub + "/resourcegroups", "2024-11-01", true},
		{"/subscriptions", "2024-11-01", false}, // a resource groups version, not a subscriptions one
		{sub + "/resourcegroups", "2022-12-01", false},
		{"/tenants", "2099-01-01", false},
	}
	for _, c := range cases {
		st, _, m := send(t, srv, "GET", c.path+"?api-version="+c.version, "")
		if c.ok != (st == 200) {
			t.Errorf("%s %s: %d %v", c.path, c.version, st, m)
			continue
		}
		if !c.ok {
			e := m["error"].(map[string]any)
			msg, _ := e["message"].(string)
			if e["code"] != "InvalidApiVersionParameter" || !strings.HasPrefix(msg, "The api-version '"+c.version+"' is invalid. The supported versions are '") || strings.Contains(msg, ", ") {
				t.Errorf("%s %s: %v", c.path, c.version, m)
			}
			_, list, _ := strings.Cut(msg, "supported versions are")
			if strings.Contains(c.path, "resourcegroups") != strings.Contains(list, "2024-11-01") {
				t.Errorf("%s: the list is not the type's: %s", c.path, msg)
			}
		}
	}
}

// ARM names what is left of each kind of request per subscription
// (Azure/azure-sdk-for-python's test_resource_groups recording), and
// lists the characters it refuses in a group name (Azure/azure-cli#14481).
func TestRateLimitHeadersAndGroupNames(t *testing.T) {
	srv := newServer(t, 1)
	rg := "/subscriptions/00000000-0000-4000-8000-000000000000/resourcegroups/"
	for _, c := range []struct{ method, path, body, header string }{
		{"PUT", rg + "rg1?api-version=2021-04-01", `{"location":"westus"}`, "X-Ms-Ratelimit-Remaining-Subscription-Writes"},
		{"GET", rg + "rg1?api-version=2021-04-01", "", "X-Ms-Ratelimit-Remaining-Subscription-Reads"},
		{"DELETE", rg + "rg1?api-version=2021-04-01", "", "X-Ms-Ratelimit-Remaining-Subscription-Deletes"},
		{"GET", "/tenants?api-version=2022-12-01", "", "X-Ms-Ratelimit-Remaining-Tenant-Reads"},
	} {
		_, h, _ := send(t, srv, c.method, c.path, c.body)
		if h.Get(c.header) == "" || h.Get("X-Ms-Routing-Request-Id") == "" {
			t.Errorf("%s %s: no %s or routing id in %v", c.method, c.path, c.header, h)
		}
	}
	status, _, m := send(t, srv, "PUT", rg+"a%27b%20c?api-version=2021-04-01", `{"location":"westus"}`)
	if code, msg := fixture.ErrorCodeMessage(m); status != 400 || code != "InvalidResourceGroup" ||
		msg != "The provided resource group name 'a'b c' has these invalid characters: '' '. The name can only be a letter, digit, '-', '.', '(', ')' or '_'." {
		t.Fatalf("%d %s %q", status, code, msg)
	}
	if status, _, m := send(t, srv, "PUT", rg+"%C3%A9t%C3%A9?api-version=2021-04-01", `{"location":"westus"}`); status != 201 {
		t.Fatalf("a Unicode name: %d %v", status, m)
	}
}
