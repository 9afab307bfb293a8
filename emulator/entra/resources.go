package entra

import (
	"strings"

	"github.com/azrepl/azrepl/emulator/world"
	"github.com/azrepl/azrepl/internal/firstparty"
)

// Resources (APIs) and the scopes requested for them: Microsoft's
// resources, the world's API apps, and how a scope string names a resource
// and its permissions.

// resourceInfo is a resource (API) the tenant knows, with the delegated
// permissions first-party public clients get for its ".default" scope.
type resourceInfo struct {
	name        string
	identifiers []string // accepted identifiers, compared without a trailing "/"
	delegated   []string
	app         *world.App // an API app of the world; nil for Microsoft's resources
}

var graphDelegated = []string{
	"Application.ReadWrite.All", "AuditLog.Read.All", "Directory.AccessAsUser.All",
	"Group.ReadWrite.All", "User.ReadWrite.All",
}

var knownResources = []resourceInfo{
	{name: "arm", identifiers: []string{"https://management.core.windows.net", "https://management.azure.com"}, delegated: []string{"user_impersonation"}},
	{name: "graph", identifiers: []string{"https://graph.microsoft.com", "00000003-0000-0000-c000-000000000000"}, delegated: graphDelegated},
	{name: "databricks", identifiers: []string{"2ff814a6-3304-4ab8-85cb-cd0e6f879c1d"}, delegated: []string{"user_impersonation"}},
	{name: "keyvault", identifiers: []string{"https://vault.azure.net", "cfa8b339-82a2-471a-a3c9-0fc0be7a4093"}, delegated: []string{"user_impersonation"}},
	{name: "storage", identifiers: []string{"https://storage.azure.com", "e406a681-f3d4-42a8-90b6-c2b029497af1"}, delegated: []string{"user_impersonation"}},
	// The AKS AAD server app, the audience of Kubernetes sign-in (kubelogin's --server-id).
	{name: "aks", identifiers: []string{AKSServer}, delegated: []string{"user.read"}},
}

// AKSServer is the Azure Kubernetes Service AAD server application;
// AKSClient is its first-party public client (kubelogin's --client-id).
const (
	AKSServer = firstparty.AKSServer
	AKSClient = firstparty.AKSClient
)

const graphResource = "https://graph.microsoft.com"

var reservedScopes = map[string]bool{"openid": true, "profile": true, "email": true, "offline_access": true}

// scopeRequest is a parsed "scope" parameter: at most one resource plus
// reserved OIDC scopes.
type scopeRequest struct {
	raw         []string
	reserved    map[string]bool
	resource    string // as requested, e.g. "https://management.core.windows.net/"
	info        *resourceInfo
	permissions []string // e.g. [".default"] or ["User.Read"]
	implicit    bool     // OIDC-only request: Graph User.Read, granted to every client
	allowed     []string // set by allowedScopes for delegated grants
}

func (s scopeRequest) hasDefault() bool {
	for _, p := range s.permissions {
		if p == ".default" {
			return true
		}
	}
	return false
}

// splitScope separates "resource/permission"; a bare permission belongs to Graph.
func splitScope(s string) (resource, permission string) {
	i := strings.LastIndexByte(s, '/')
	if i < 0 {
		return graphResource, s
	}
	return s[:i], s[i+1:]
}

func lookupResource(id string) *resourceInfo {
	return findResource(knownResources, id)
}

// findResource looks a resource up by identifier; "spn:" before an app id
// names the same service principal (the v1 form kubelogin's --legacy asks
// for, whose tokens keep it in aud: Azure/kubelogin#331).
func findResource(list []resourceInfo, id string) *resourceInfo {
	key := strings.ToLower(strings.TrimSuffix(id, "/"))
	key = strings.TrimPrefix(key, "spn:")
	for i := range list {
		for _, ident := range list[i].identifiers {
			if key == strings.ToLower(ident) {
				return &list[i]
			}
		}
	}
	return nil
}

// apiResources are the world's apps that expose an API (identifierUris).
func apiResources(w *world.World) []resourceInfo {
	var out []resourceInfo
	for i := range w.Apps {
		a := &w.Apps[i]
		if len(a.IdentifierURIs) == 0 {
			continue
		}
		out = append(out, resourceInfo{name: "app:" + a.ClientID, identifiers: append([]string{a.ClientID}, a.IdentifierURIs...),
			delegated: a.Scopes, app: a})
	}
	return out
}

// audience is the v1 "aud" claim: the resource identifier as requested, except
// that Graph's URL form is always written without the trailing slash.
func (s scopeRequest) audience() string {
	if s.info != nil && s.info.name == "graph" && strings.HasPrefix(s.resource, "https://") {
		return graphResource
	}
	return s.resource
}

// granted returns the delegated permissions (scp) for a user token.
func (s scopeRequest) granted() []string {
	if s.allowed != nil {
		return s.allowed
	}
	if s.hasDefault() {
		return s.info.delegated
	}
	return s.permissions
}

// echo is the "scope" field of the token response, like Entra: each granted
// permission prefixed with the resource, then the requested scopes.
// Reserved OIDC scopes are echoed for Graph only.
func (s scopeRequest) echo() string {
	var out []string
	if s.info != nil && s.info.name == "graph" {
		for _, r := range []string{"email", "openid", "profile"} {
			if s.reserved[r] {
				out = append(out, r)
			}
		}
	}
	prefix := s.resource + "/" // ARM's "https://management.core.windows.net/" keeps its double slash
	for _, p := range s.granted() {
		out = append(out, prefix+p)
	}
	if s.hasDefault() {
		out = append(out, prefix+".default")
	}
	return strings.Join(out, " ")
}

// withDefaultResource gives an OIDC-only request (openid profile offline_access)
// the Graph resource, as Entra does (User.Read).
func (s scopeRequest) withDefaultResource() scopeRequest {
	if s.info == nil {
		s.info = lookupResource(graphResource)
		s.resource = graphResource
		s.permissions = []string{"User.Read"}
		s.implicit = true
	}
	return s
}
