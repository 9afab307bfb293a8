package e2e

import (
	"strings"
	"testing"
)

// TestAPIGroupWrites: a script's group chores through azrepl api against
// the emulator: a group made from fields, the signed-in user added as a
// member (twice: Graph's 400 the second time) and listed among its
// members, then the group deleted and gone.
func TestAPIGroupWrites(t *testing.T) {
	env := signedIn(t)
	r := robustRun(t, env, "api", "/v1.0/groups", "-f", "displayName=Deployers", "-F", "mailEnabled=false",
		"-f", "mailNickname=deployers", "-F", "securityEnabled=true", "--query", "id")
	id := strings.TrimSpace(r.stdout)
	if r.code != 0 || len(id) != 36 {
		t.Fatalf("create: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	r = robustRun(t, env, "api", "/v1.0/me", "--query", "id")
	me := strings.TrimSpace(r.stdout)
	if r.code != 0 || len(me) != 36 {
		t.Fatalf("/me: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	ref := []string{"api", "/v1.0/groups/" + id + "/members/$ref", "-f", "@odata.id=https://graph.microsoft.com/v1.0/directoryObjects/" + me}
	if r = robustRun(t, env, ref...); r.code != 0 {
		t.Fatalf("add member: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	if r = robustRun(t, env, ref...); r.code == 0 || !strings.Contains(r.stderr, "One or more added object references already exist") {
		t.Errorf("member added twice: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	if r = robustRun(t, env, "api", "/v1.0/groups/"+id+"/members", "--query", "value.#.id"); r.code != 0 || !strings.Contains(r.stdout, me) {
		t.Errorf("members: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	if r = robustRun(t, env, "api", "-X", "DELETE", "/v1.0/groups/"+id); r.code != 0 {
		t.Fatalf("delete: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	if r = robustRun(t, env, "api", "/v1.0/groups/"+id); r.code == 0 || !strings.Contains(r.stderr, "Request_ResourceNotFound") {
		t.Errorf("deleted group read: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
}

// signedIn is the environment of an emulator and an azrepl home after azrepl login.
func signedIn(t *testing.T) []string {
	t.Helper()
	_, _, env := accountSetup(t)
	if r := robustRun(t, env, "login"); r.code != 0 {
		t.Fatalf("login: %s", r.stderr)
	}
	return env
}
