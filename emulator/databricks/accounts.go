package databricks

import (
	"net"
	"net/http"
	"strings"
)

func (s *server) onAccountsHost(r *http.Request) bool {
	h := r.Host
	if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	}
	return s.cfg.AccountsHost != "" && strings.EqualFold(strings.TrimSuffix(h, "."), s.cfg.AccountsHost)
}

// serveAccounts is the accounts host: host metadata, account-level OIDC
// under /oidc/accounts/{id} and the account API under /api/2.0/accounts/{id}.
func (s *server) serveAccounts(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	notFound := func() {
		writeAPIError(w, http.StatusNotFound, "ENDPOINT_NOT_FOUND", "No API found for '"+r.Method+" "+p+"'")
	}
	if p == "/.well-known/databricks-config" {
		writeJSON(w, http.StatusOK, map[string]any{
			"oidc_endpoint": baseURL(r) + "/oidc/accounts/{account_id}",
			"cloud":         "Azure",
			"host_type":     "account",
		})
		return
	}
	if s.cfg.AccountID == "" {
		notFound()
		return
	}
	if rest, ok := strings.CutPrefix(p, "/oidc/accounts/"); ok {
		id, sub, _ := strings.Cut(rest, "/")
		if id != s.cfg.AccountID {
			writeOAuthError(w, http.StatusBadRequest, "invalid_request", "Account "+id+" not found")
			return
		}
		st := s.accountSite()
		switch sub {
		case ".well-known/oauth-authorization-server", ".well-known/openid-configuration":
			s.serveDiscovery(w, r, st)
		case "jwks.json":
			s.serveJWKS(w)
		case "v1/authorize":
			s.serveAuthorize(w, r, st)
		case "v1/token":
			s.serveToken(w, r, st)
		default:
			notFound()
		}
		return
	}
	rest, ok := strings.CutPrefix(p, "/api/2.0/accounts/")
	if !ok {
		notFound()
		return
	}
	c, ok := s.authenticateAccount(w, r)
	if !ok {
		return
	}
	id, sub, _ := strings.Cut(rest, "/")
	if id != s.cfg.AccountID {
		writeAPIError(w, http.StatusForbidden, "PERMISSION_DENIED", "Principal "+c.principal()+" does not have access to account "+id+".")
		return
	}
	switch {
	case sub == "workspaces" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, []map[string]any{s.workspaceInfo()})
	case sub == "scim/v2/Me" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.scimMe(c))
	default:
		notFound()
	}
}

// authenticateAccount accepts only account-level OAuth tokens: a workspace
// token, a PAT or an Entra token is refused as Databricks refuses it there.
func (s *server) authenticateAccount(w http.ResponseWriter, r *http.Request) (*caller, bool) {
	raw, ok := bearerToken(w, r)
	if !ok {
		return nil, false
	}
	claims, err := s.parse(raw, &s.key.PublicKey)
	if err != nil || claims["iss"] != s.accountSite().issuer {
		writeAPIError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "Invalid Token")
		return nil, false
	}
	c, err := s.workspaceToken(raw)
	if err != nil {
		writeAPIError(w, http.StatusForbidden, "PERMISSION_DENIED", "The principal of this token is not a member of this account.")
		return nil, false
	}
	return c, true
}

func (s *server) workspaceInfo() map[string]any {
	ws := map[string]any{
		"account_id":       s.cfg.AccountID,
		"workspace_name":   strings.SplitN(s.cfg.Host, ".", 2)[0],
		"deployment_name":  strings.SplitN(s.cfg.Host, ".", 2)[0],
		"workspace_status": "RUNNING",
		"pricing_tier":     "PREMIUM",
		"cloud":            "azure",
		"location":         "westeurope",
		"workspace_url":    s.cfg.Host,
	}
	if m := workspaceIDPattern().FindStringSubmatch(s.cfg.Host); m != nil {
		ws["workspace_id"] = m[1]
	}
	return ws
}
