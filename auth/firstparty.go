package auth

import (
	"errors"
	"fmt"
	"strings"

	"github.com/azrepl/azrepl/internal/firstparty"
)

// FirstPartyClient is a Microsoft public client with the delegated
// permissions Entra pre-authorizes it for, per resource; azrepl uses the
// catalogue to say which client would get a scope.
type FirstPartyClient = firstparty.Client

// FirstPartyClients is the catalogue, most useful first (the emulator's
// Entra reads the same one).
var FirstPartyClients = firstparty.Clients()

// resourceKeys maps a scope's resource identifier (no trailing slash, lower case) to its catalogue key.
var resourceKeys = map[string]string{
	"https://graph.microsoft.com": "graph", "00000003-0000-0000-c000-000000000000": "graph",
	"https://management.azure.com": "arm", "https://management.core.windows.net": "arm",
	"2ff814a6-3304-4ab8-85cb-cd0e6f879c1d": "databricks",
	"https://vault.azure.net":              "keyvault", "cfa8b339-82a2-471a-a3c9-0fc0be7a4093": "keyvault",
	"https://storage.azure.com": "storage", "e406a681-f3d4-42a8-90b6-c2b029497af1": "storage",
	firstparty.AKSServer: "aks",
}

// splitResourceScope is "resource/permission" with its catalogue key; a bare
// permission is Graph's.
func splitResourceScope(scope string) (key, perm string) {
	scope = strings.TrimSpace(scope)
	i := strings.LastIndexByte(scope, '/')
	if i < 0 {
		return "graph", scope
	}
	return resourceKeys[strings.ToLower(strings.TrimRight(scope[:i], "/"))], scope[i+1:]
}

// PreauthorizedClients are the catalogue's clients that Entra lets get the
// scope without consent (".default": any pre-authorization for its resource).
func PreauthorizedClients(scope string) []FirstPartyClient {
	key, perm := splitResourceScope(scope)
	if key == "" {
		return nil
	}
	var out []FirstPartyClient
	for _, c := range FirstPartyClients {
		list := c.Preauth[key]
		if perm == ".default" && len(list) > 0 {
			out = append(out, c)
			continue
		}
		for _, p := range list {
			if strings.EqualFold(p, perm) {
				out = append(out, c)
				break
			}
		}
	}
	return out
}

// withScopeAdvice gives a refusal of a misspelt scope its did-you-mean;
// false when it is not one.
func withScopeAdvice(ee *EntraError, scope string) bool {
	if ee.HasCode(65002) || ee.HasCode(70011) || ee.Err == "invalid_scope" {
		if s := scopeSuggestion(scope); s != "" {
			ee.Advice = s
			return true
		}
	}
	return false
}

func firstPartyName(id string) string {
	for _, c := range FirstPartyClients {
		if strings.EqualFold(c.ID, id) {
			return c.Name
		}
	}
	return "client " + id
}

// withPreauthAdvice turns a 65002 refusal into advice naming the family
// client that is pre-authorized for the scope and the call that works; a
// 65002 or 70011 for a misspelt Graph permission gets a did-you-mean.
func withPreauthAdvice(err error, clientID, scope string) error {
	var ee *EntraError
	if !errors.As(err, &ee) {
		return err
	}
	if withScopeAdvice(ee, scope) {
		return ee
	}
	if !ee.HasCode(65002) {
		return err
	}
	var others []FirstPartyClient
	for _, c := range PreauthorizedClients(scope) {
		if !strings.EqualFold(c.ID, clientID) {
			others = append(others, c)
		}
	}
	if len(others) == 0 {
		ee.Advice = fmt.Sprintf("%s is not pre-authorized for %s and no Microsoft client azrepl knows is: register your own app, grant it the permission, and log in with its clientId",
			firstPartyName(clientID), scope)
		return ee
	}
	c := others[0]
	names := make([]string, len(others))
	for i, o := range others {
		names[i] = o.Name
	}
	family := ""
	if c.Family {
		family = " (a FOCI family member: your login's refresh token works for it)"
	}
	ee.Advice = fmt.Sprintf("%s is not pre-authorized for %s; %s %s: token(%q, {clientId: %q})%s",
		firstPartyName(clientID), scope, strings.Join(names, ", "), map[bool]string{true: "is", false: "are"}[len(others) == 1],
		scope, c.ID, family)
	return ee
}
