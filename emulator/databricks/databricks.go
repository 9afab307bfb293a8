// Package databricks is the emulator's Azure Databricks workspace and
// accounts host: OIDC discovery, the U2M (databricks-cli, PKCE), M2M
// (service principal) and token-exchange (federation) token endpoint with its
// own signing key, the same under /oidc/accounts/{id}, Entra tokens for the
// Azure Databricks resource and personal access tokens accepted as Bearer,
// /aad/auth, SCIM Me, clusters, jobs, tokens and the account's workspaces.
package databricks

import (
	"crypto/rsa"
	"net/http"
	"sync"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/bearer"
)

// User is a workspace user; EntraObjectID maps Entra tokens (oid) to it.
type User struct {
	ID, UserName, DisplayName, Password string
	EntraObjectID                       string
}

// ServicePrincipal is a workspace service principal with a Databricks OAuth secret.
type ServicePrincipal struct{ ID, ApplicationID, DisplayName, Secret string }

// Config is what the emulator core gives the workspace.
type Config struct {
	Host, TenantID    string
	EntraPublicKey    *rsa.PublicKey  // verifies Entra access tokens
	Key               *rsa.PrivateKey // signs the workspace's own tokens; nil = one is generated
	Users             []User
	ServicePrincipals []ServicePrincipal // members: Databricks-managed (with Secret) or Entra apps (ApplicationID = Entra client id)
	// ResourceManagers are Entra apps with Contributor or Owner on the
	// workspace's Azure resource: not members, but let in (and added) when
	// they send a management token in X-Databricks-Azure-SP-Management-Token.
	ResourceManagers []ServicePrincipal
	PATs             []PAT // seeded personal access tokens
	// AccountsHost and AccountID are the account this workspace belongs to;
	// its OIDC and API live under /oidc/accounts/{AccountID} and
	// /api/2.0/accounts/{AccountID} (on the accounts host).
	AccountsHost, AccountID string
	// Federation are the workspace's token federation policies (RFC 8693
	// exchange at /oidc/v1/token); IssuerKey finds the key that signed a
	// subject token (nil: no issuer is trusted).
	Federation     []FederationPolicy
	IssuerKey      func(issuer, kid string) *rsa.PublicKey
	Clusters, Jobs int
	TokenLifetime  time.Duration    // access tokens; default 1h
	Now            func() time.Time // defaults to time.Now
}

// AzureDatabricksResource is the Entra application id of Azure Databricks (token aud).
const AzureDatabricksResource = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d"

// publicClientID is the only public OAuth client of the workspace.
const publicClientID = "databricks-cli"

type server struct {
	cfg   Config
	key   *rsa.PrivateKey // signs this workspace's (and the account's) OAuth access tokens
	kid   string
	entra *bearer.Checker // Entra tokens for the Azure Databricks resource
	// Clusters and jobs are built from their index when served (a
	// workspace of a million jobs holds none): their fixed fields are here.
	creator      string
	clusterStart int64 // unix ms of cluster 0's start
	jobsCreated  int64 // unix ms before job 1 was created

	mu       sync.Mutex
	sps      []*ServicePrincipal // members; grows when a resource manager first signs in
	pats     []PAT
	runs     []string                     // names of submitted runs; run id = index + 1
	logins   map[string]*authorizeRequest // sign-in page transactions
	codes    map[string]*authorizeRequest // issued authorization codes
	refreshs map[string]refreshGrant
}

// site is one OAuth authorization server of this emulator: the workspace's
// (/oidc) or its account's (/oidc/accounts/{id}); tokens carry its issuer.
type site struct{ prefix, issuer string }

func (s *server) workspaceSite() site { return site{"/oidc", "https://" + s.cfg.Host + "/oidc"} }

func (s *server) accountSite() site {
	p := "/oidc/accounts/" + s.cfg.AccountID
	return site{p, "https://" + s.cfg.AccountsHost + p}
}

// baseURL is scheme://host of the request, so discovery points back at the
// listener the client used (the proxy's real host name or the direct port).
func baseURL(r *http.Request) string {
	scheme := "https"
	if r.TLS == nil {
		scheme = "http"
	}
	return scheme + "://" + r.Host
}

// PAT is a personal access token; Owner is a user name or a service
// principal's application id. Expiry zero means it never expires.
type PAT struct {
	ID, Value, Owner, Comment string
	Created, Expiry           time.Time
}

// FederationPolicy trusts OIDC tokens of one issuer (workload identity
// federation). With ServicePrincipal set it is a service principal policy:
// the exchange must name that application id as client_id and the token's
// sub must equal Subject. Without it the token's sub is a workspace user name
// (Subject, if set, must match too). Audiences empty accepts the account id
// and the workspace token endpoint URL, the Databricks defaults.
type FederationPolicy struct {
	Issuer           string
	Audiences        []string
	Subject          string
	ServicePrincipal string
}

// refreshGrant is what a U2M refresh token stands for.
type refreshGrant struct {
	site     site
	clientID string
	user     *User
	scopes   []string
}

// authorizeRequest is a validated /oidc/v1/authorize request; once signed in it becomes a code.
type authorizeRequest struct {
	clientID, redirectURI, state, challenge string
	site                                    site
	scopes                                  []string
	user                                    *User
	expires                                 time.Time
}
