package bindings

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/azrepl/azrepl/auth"
	"github.com/azrepl/azrepl/explain"
	"github.com/azrepl/azrepl/internal/graphperm"
)

// graphHosts are Microsoft Graph's hosts in the public and national clouds.
var graphHosts = map[string]bool{"graph.microsoft.com": true, "graph.microsoft.us": true,
	"dod-graph.microsoft.us": true, "microsoftgraph.chinacloudapi.cn": true}

// personalTenant is the tenant of personal Microsoft accounts' tokens.
const personalTenant = "9188040d-6c67-4c5b-b112-36a304b66dad"

// graphForbiddenHint explains a Graph 403 from Microsoft's permissions data:
// the least privileged permission of the kind the token carries (scp:
// delegated, else application), whether it needs admin consent, what the
// token has, and for a user token a Microsoft client that is pre-authorized
// for a permission that allows the call.
func graphForbiddenHint(method, path string, claims map[string]any) string {
	has := "the token has " + grantText(claims)
	r, ok := graphperm.Lookup(method, path)
	if !ok {
		return has + "; Microsoft's Graph permissions data has no entry for " + method + " " + path +
			": see the Permissions section of this API's page in the Microsoft Graph reference"
	}
	call := method + " " + path
	scheme, kind := graphperm.Application, "an application permission (the token is an app's)"
	if _, delegated := claims["scp"]; delegated {
		scheme, kind = graphperm.DelegatedWork, "a delegated permission (the token is a user's: scp)"
		if explain.ClaimText(claims["tid"]) == personalTenant {
			scheme, kind = graphperm.DelegatedPersonal, "a delegated permission for a personal Microsoft account"
		}
	}
	lookup := fmt.Sprintf("graph.permissions(%q) lists every permission that allows it", method+" "+r.Template)
	best, ok := r.Best(scheme)
	if !ok {
		other := graphperm.Application
		if scheme == graphperm.Application {
			other = graphperm.DelegatedWork
		}
		if b, ok := r.Best(other); ok {
			return fmt.Sprintf("%s; %s cannot be made with %s: only with %s such as %s; %s", has, call, kind, schemeName(other), b, lookup)
		}
		return fmt.Sprintf("%s; no permission a token can carry allows %s; %s", has, call, lookup)
	}
	tokenPerms := tokenPermissions(claims)
	if r.Allows(scheme, func(p string) bool { return tokenPerms[strings.ToLower(p)] }) {
		return has + ", which Microsoft's data says allows " + call +
			": the signed-in user may also need a directory role, or the item restricts access; " + lookup
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s needs %s; least privileged: %s", call, kind, best)
	if others := otherLeast(r, scheme, best); len(others) > 0 {
		b.WriteString(" (or " + strings.Join(others, ", ") + ")")
	}
	p, _ := graphperm.Get(best.Permission)
	if info := p.Scheme(scheme); scheme == graphperm.Application || info != nil && info.AdminConsent {
		b.WriteString(", which needs admin consent")
	} else {
		b.WriteString(", which a user can consent to")
	}
	b.WriteString("; " + has)
	if scheme == graphperm.Application {
		fmt.Fprintf(&b, ". An administrator grants %s (Microsoft Graph application permission %s) to the app, then token(%q, {force: true})",
			best.Permission, p.ApplicationID, "https://graph.microsoft.com/.default")
	} else if line := preauthorizedLine(r, scheme); line != "" {
		b.WriteString(". " + line)
	}
	b.WriteString("; " + lookup)
	return b.String()
}

func schemeName(s graphperm.Scheme) string {
	if s == graphperm.Application {
		return "an application permission"
	}
	return "a delegated permission"
}

// otherLeast are the other least privileged grants a token can carry.
func otherLeast(r *graphperm.Result, s graphperm.Scheme, best graphperm.Grant) []string {
	var out []string
	for _, g := range r.Schemes[s].Least {
		if p, ok := graphperm.Get(g.Permission); ok && !p.RSC && g.String() != best.String() {
			out = append(out, g.String())
		}
	}
	return out
}

// tokenPermissions is the token's scp and roles, lower-cased.
func tokenPermissions(claims map[string]any) map[string]bool {
	out := map[string]bool{}
	for _, name := range []string{"scp", "roles"} {
		for _, p := range strings.Fields(explain.ClaimText(claims[name])) {
			out[strings.ToLower(p)] = true
		}
	}
	return out
}

// preauthorizedLine names the first Microsoft client of the catalogue that
// is pre-authorized for a permission allowing the call (least privileged
// first), with the token() line that gets it without any consent prompt.
func preauthorizedLine(r *graphperm.Result, s graphperm.Scheme) string {
	for _, g := range r.Schemes[s].All {
		scopes := []string{g.Permission}
		if len(g.AlsoRequires) > 0 {
			scopes = append(scopes, g.AlsoRequires[0])
		}
		for _, c := range auth.FirstPartyClients {
			if !preauthorizedFor(c, scopes) {
				continue
			}
			full := make([]string, len(scopes))
			for i, sc := range scopes {
				full[i] = "https://graph.microsoft.com/" + sc
			}
			return fmt.Sprintf("%s is pre-authorized for %s, which allows it: token(%q, {clientId: %q})",
				c.Name, strings.Join(scopes, " and "), strings.Join(full, " "), c.ID)
		}
	}
	return ""
}

func preauthorizedFor(c auth.FirstPartyClient, scopes []string) bool {
	for _, want := range scopes {
		found := false
		for _, p := range c.Preauth["graph"] {
			if strings.EqualFold(p, want) {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// hostOf is a URL's host name ("" when it does not parse).
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Hostname()
}
