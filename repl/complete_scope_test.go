package repl

import (
	"slices"
	"testing"
)

func TestCompleteGraphScopes(t *testing.T) {
	c := &completer{} // scope strings never reach the runtime
	for line, want := range map[string][]string{
		`token("https://graph.microsoft.com/GroupMember.Re`:                                            {"ad.All", "adBasic.All", "adWrite.All"},
		`token('User.ReadBasic`:                                                                        {".All"},
		`login({flow: "browser", scope: "openid Mail.Sen`:                                              {"d", "d.Shared"},
		`t = token("https://graph.microsoft.com/User.Read https://graph.microsoft.com/Presence.Read.A`: {"ll"},
	} {
		got, n := c.Do([]rune(line), len([]rune(line)))
		var s []string
		for _, g := range got {
			s = append(s, string(g))
		}
		for _, w := range want {
			if !slices.Contains(s, w) {
				t.Errorf("%q: %q lacks %q", line, s, w)
			}
		}
		if len(s) == 0 || n == 0 {
			t.Errorf("%q: nothing offered", line)
		}
	}
	for _, line := range []string{`console.log("User.Rea`, `token("https://management.azure.com/user_imp`, `token("a") + User.Rea`, `x = "it's" + 'User.R`} {
		if names, _, ok := scopeCompletions(line); ok && len(names) > 0 {
			t.Errorf("%q: offered %v outside a Graph scope string", line, names[:min(3, len(names))])
		}
	}
}
