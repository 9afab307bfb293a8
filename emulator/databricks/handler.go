package databricks

import (
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"strings"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/bearer"
)

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
