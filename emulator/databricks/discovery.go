package databricks

import (
	"encoding/base64"
	"math/big"
	"net/http"
	"regexp"
	"sync"
)

var workspaceIDPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^adb-(\d+)\.`) })

// serveHostMetadata is /.well-known/databricks-config (the newer SDKs read it first).
func (s *server) serveHostMetadata(w http.ResponseWriter, r *http.Request) {
	base := baseURL(r)
	doc := map[string]any{
		"oidc_endpoint": base + "/oidc",
		"cloud":         "Azure",
		"host_type":     "workspace",
		"token_federation_default_oidc_audiences": []string{base + "/oidc/v1/token"},
	}
	if m := workspaceIDPattern().FindStringSubmatch(s.cfg.Host); m != nil {
		doc["workspace_id"] = m[1]
	}
	writeJSON(w, http.StatusOK, doc)
}

func (s *server) serveDiscovery(w http.ResponseWriter, r *http.Request, st site) {
	base := baseURL(r) + st.prefix
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                base,
		"authorization_endpoint":                base + "/v1/authorize",
		"token_endpoint":                        base + "/v1/token",
		"jwks_uri":                              base + "/jwks.json",
		"response_types_supported":              []string{"code"},
		"response_modes_supported":              []string{"query"},
		"grant_types_supported":                 []string{"authorization_code", "refresh_token", "client_credentials", tokenExchangeGrant},
		"code_challenge_methods_supported":      []string{"S256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post", "none"},
		"scopes_supported":                      allowedScopeList,
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
	})
}

func (s *server) serveJWKS(w http.ResponseWriter) {
	pub := s.key.PublicKey
	writeJSON(w, http.StatusOK, map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "use": "sig", "alg": "RS256", "kid": s.kid,
		"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}}})
}
