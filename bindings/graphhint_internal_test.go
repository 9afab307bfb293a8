package bindings

import (
	"strings"
	"testing"

	"github.com/azrepl/azrepl/auth"
	"github.com/azrepl/azrepl/internal/graphperm"
)

func TestGraphForbiddenHintDelegated(t *testing.T) {
	// A user token with User.Read only, listing groups.
	hint := graphForbiddenHint("GET", "/v1.0/groups", map[string]any{"scp": "User.Read", "tid": "t"})
	r, _ := graphperm.Lookup("GET", "/groups")
	best, _ := r.Best(graphperm.DelegatedWork)
	for _, want := range []string{"needs a delegated permission", "least privileged: " + best.String(), "scp: User.Read"} {
		if !strings.Contains(hint, want) {
			t.Errorf("hint lacks %q: %s", want, hint)
		}
	}
	// The pre-authorized client named must really be pre-authorized for a
	// permission that allows the call, with a token() line for it.
	found := false
	for _, c := range auth.FirstPartyClients {
		for _, g := range r.Schemes[graphperm.DelegatedWork].All {
			line := `token("https://graph.microsoft.com/` + g.Permission + `", {clientId: "` + c.ID + `"})`
			if strings.Contains(hint, c.Name+" is pre-authorized for "+g.Permission+",") && strings.Contains(hint, line) {
				found = preauthorizedFor(c, []string{g.Permission})
			}
		}
	}
	if !found {
		t.Errorf("no pre-authorized client with its token line: %s", hint)
	}
}

func TestGraphForbiddenHintKinds(t *testing.T) {
	// /me cannot be called with an application permission.
	if h := graphForbiddenHint("GET", "/v1.0/me", map[string]any{"roles": []any{"User.Read.All"}}); !strings.Contains(h, "only with a delegated permission such as User.Read") {
		t.Errorf("app token on /me: %s", h)
	}
	// A personal account's token is judged by the DelegatedPersonal scheme.
	if h := graphForbiddenHint("GET", "/v1.0/me/messages", map[string]any{"scp": "User.Read", "tid": personalTenant}); !strings.Contains(h, "personal Microsoft account") || !strings.Contains(h, "Mail.") {
		t.Errorf("personal account: %s", h)
	}
	// The token already has a permission that allows the call.
	if h := graphForbiddenHint("GET", "/v1.0/groups", map[string]any{"roles": []any{"Group.Read.All"}}); !strings.Contains(h, "which Microsoft's data says allows") {
		t.Errorf("allowed by the data: %s", h)
	}
	if h := graphForbiddenHint("GET", "/v1.0/no/such/api", map[string]any{"roles": []any{}}); !strings.Contains(h, "no entry for GET /v1.0/no/such/api") {
		t.Errorf("unknown path: %s", h)
	}
	// User.Read needs no admin consent.
	if h := graphForbiddenHint("GET", "/v1.0/me", map[string]any{"scp": "openid"}); !strings.Contains(h, "least privileged: User.Read,") || !strings.Contains(h, "a user can consent to") {
		t.Errorf("/me with openid only: %s", h)
	}
}
