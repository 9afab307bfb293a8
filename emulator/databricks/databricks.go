// Package databricks is the emulator's Azure Databricks workspace: OIDC
// discovery, the U2M (databricks-cli, PKCE) and M2M (service principal)
// token endpoint with its own signing key, Entra tokens for the Azure
// Databricks resource accepted as Bearer, SCIM Me, clusters and jobs.
package databricks

import (
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"strings"
	"sync"
	"time"
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
	EntraPublicKey    *rsa.PublicKey // verifies Entra access tokens
	Users             []User
	ServicePrincipals []ServicePrincipal
	Clusters, Jobs    int
	TokenLifetime     time.Duration    // access tokens; default 1h
	Now               func() time.Time // defaults to time.Now
}

// AzureDatabricksResource is the Entra application id of Azure Databricks (token aud).
const AzureDatabricksResource = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d"

// publicClientID is the only public OAuth client of the workspace.
const publicClientID = "databricks-cli"

type server struct {
	cfg      Config
	key      *rsa.PrivateKey // signs this workspace's OAuth access tokens
	kid      string
	clusters []cluster
	jobs     []job

	mu       sync.Mutex
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
	if cfg.TokenLifetime <= 0 {
		cfg.TokenLifetime = time.Hour
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic("databricks: generating the workspace key: " + err.Error())
	}
	s := &server{cfg: cfg, key: key, kid: randomString(12),
		logins: map[string]*authorizeRequest{}, codes: map[string]*authorizeRequest{}, refreshs: map[string]refreshGrant{}}
	s.clusters = makeClusters(cfg)
	s.jobs = makeJobs(cfg)
	return s
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == "/.well-known/databricks-config":
		s.serveHostMetadata(w, r)
	case p == "/oidc/.well-known/oauth-authorization-server", p == "/oidc/.well-known/openid-configuration":
		s.serveDiscovery(w, r)
	case p == "/oidc/jwks.json":
		s.serveJWKS(w)
	case p == "/oidc/v1/authorize":
		s.serveAuthorize(w, r)
	case p == "/oidc/v1/token":
		s.serveToken(w, r)
	case strings.HasPrefix(p, "/api/"):
		s.serveAPI(w, r)
	default:
		writeAPIError(w, http.StatusNotFound, "ENDPOINT_NOT_FOUND", "No API found for '"+r.Method+" "+p+"'")
	}
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
