package bindings_test

import (
	"strings"
	"testing"

	"github.com/azrepl/azrepl/runtime"
	"github.com/dop251/goja"
)

// alice signs in to the partner tenant where she is a guest: the account is
// hers (home tenant, home object id) with guestTenantId, whoami says so, the
// token carries the partner's tid, and her home login is still listed.
func TestGuestTenantAccount(t *testing.T) {
	h := newHarness(t, commandLine())
	alice := h.user("alice")
	partner := h.world.GuestTenants[0]
	h.run("login()")
	acct := h.value(`login({flow: "password", tenant: "` + partner.Domain + `"})`)
	if acct["username"] != alice.Username || acct["tenantId"] != h.world.TenantID || acct["objectId"] != alice.ObjectID ||
		acct["guestTenantId"] != partner.TenantID {
		t.Fatalf("guest account %v", acct)
	}
	if got := h.run(`token("` + authGraphScope + `").claims.tid`); got != partner.TenantID {
		t.Fatalf("token tid %s", got)
	}
	// Graph answers the guest with the partner tenant's directory: her guest object.
	if got := h.run(`graph.get("/me").json.userPrincipalName`); got != strings.ReplaceAll(alice.Username, "@", "_")+"#EXT#@"+partner.Domain {
		t.Fatalf("/me as a guest: %s", got)
	}
	if got := h.js(`accounts().map(a => a.guestTenantId || "home")`); got != `["`+partner.TenantID+`","home"]` {
		t.Fatalf("accounts %s", got)
	}
	h.run(`globalThis.w = whoami()`)
	var printed string
	h.rt.Do(func(vm *goja.Runtime) { printed = runtime.Format(vm, vm.Get("w"), false) })
	if want := alice.Username + " (guest in tenant " + partner.TenantID + ", home tenant " + h.world.TenantID + ")"; !strings.HasPrefix(printed, want) {
		t.Fatalf("whoami printed:\n%s\nwant it to start with %s", printed, want)
	}
}
