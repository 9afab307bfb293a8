// Package databricks is the emulator's Azure Databricks workspace and
// accounts host: OIDC discovery, the U2M (databricks-cli, PKCE), M2M
// (service principal) and token-exchange (federation) token endpoint with its
// own signing key, the same under /oidc/accounts/{id}, Entra tokens for the
// Azure Databricks resource and personal access tokens accepted as Bearer,
// /aad/auth, SCIM Me, clusters, jobs, tokens and the account's workspaces.
package databricks

import (
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"strings"
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

// New returns the workspace handler. It panics only if the system cannot
// generate an RSA key.
func New(cfg Config) http.Handler {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.Clusters, cfg.Jobs = max(cfg.Clusters, 0), max(cfg.Jobs, 0)
	if cfg.TokenLifetime <= 0 {
		cfg.TokenLifetime = time.Hour
	}
	key := cfg.Key
	if key == nil {
		var err error
		if key, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic("databricks: generating the workspace key: " + err.Error())
		}
	}
	s := &server{cfg: cfg, key: key, kid: randomString(12),
		logins: map[string]*authorizeRequest{}, codes: map[string]*authorizeRequest{}, refreshs: map[string]refreshGrant{}}
	s.entra = &bearer.Checker{Key: cfg.EntraPublicKey, Audiences: []string{AzureDatabricksResource}, TenantID: cfg.TenantID, Now: cfg.Now}
	for i := range cfg.ServicePrincipals {
		s.sps = append(s.sps, &cfg.ServicePrincipals[i])
	}
	s.pats = append(s.pats, cfg.PATs...)
	s.creator = firstUserName(cfg)
	s.clusterStart = cfg.Now().Add(-72 * time.Hour).UnixMilli()
	s.jobsCreated = cfg.Now().Add(-30 * 24 * time.Hour).UnixMilli()
	return s
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if s.onAccountsHost(r) || strings.HasPrefix(p, "/oidc/accounts/") || strings.HasPrefix(p, "/api/2.0/accounts/") {
		s.serveAccounts(w, r)
		return
	}
	switch {
	case p == "/aad/auth":
		s.serveAADAuth(w, r)
	case p == "/.well-known/databricks-config":
		s.serveHostMetadata(w, r)
	case p == "/oidc/.well-known/oauth-authorization-server", p == "/oidc/.well-known/openid-configuration":
		s.serveDiscovery(w, r, s.workspaceSite())
	case p == "/oidc/jwks.json":
		s.serveJWKS(w)
	case p == "/oidc/v1/authorize":
		s.serveAuthorize(w, r, s.workspaceSite())
	case p == "/oidc/v1/token":
		s.serveToken(w, r, s.workspaceSite())
	case strings.HasPrefix(p, "/api/"):
		s.serveAPI(w, r)
	default:
		writeAPIError(w, http.StatusNotFound, "ENDPOINT_NOT_FOUND", "No API found for '"+r.Method+" "+p+"'")
	}
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
