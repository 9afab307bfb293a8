package entra

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/azrepl/azrepl/emulator/internal/wire"
)

// discovery serves the OpenID configuration. Endpoints echo the tenant segment,
// except for a domain, whose document names the tenant GUID like Entra's.
func (e *Server) discovery(w http.ResponseWriter, r *http.Request, t tenantRef, v2 bool) {
	seg := t.segment
	if !t.multi {
		seg = e.tenantID(t)
	}
	base := baseURL(r) + "/" + seg
	region := any("WW")
	if t.multi {
		region = nil
	}
	doc := map[string]any{
		"token_endpoint":                        base + "/oauth2/v2.0/token",
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		"jwks_uri":                              base + "/discovery/v2.0/keys",
		"response_modes_supported":              []string{"query", "fragment", "form_post"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"response_types_supported":              []string{"code", "id_token", "code id_token", "id_token token"},
		"scopes_supported":                      []string{"openid", "profile", "email", "offline_access"},
		"issuer":                                e.issuerV2(r, t),
		"request_uri_parameter_supported":       false,
		"userinfo_endpoint":                     "https://graph.microsoft.com/oidc/userinfo",
		"authorization_endpoint":                base + "/oauth2/v2.0/authorize",
		"device_authorization_endpoint":         base + "/oauth2/v2.0/devicecode",
		"http_logout_supported":                 true,
		"frontchannel_logout_supported":         true,
		"end_session_endpoint":                  base + "/oauth2/v2.0/logout",
		"claims_supported": []string{"sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name",
			"msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver",
			"at_hash", "c_hash", "email"},
		"kerberos_endpoint":     base + "/kerberos",
		"tenant_region_scope":   region,
		"cloud_instance_name":   "microsoftonline.com",
		"cloud_graph_host_name": "graph.windows.net",
		"msgraph_host":          "graph.microsoft.com",
		"rbac_url":              "https://pas.windows.net",
	}
	if !v2 {
		// The v1 document: v1 endpoints and the sts.windows.net issuer of v1 tokens.
		doc["issuer"] = "https://sts.windows.net/" + e.tenantID(t) + "/"
		if t.multi {
			doc["issuer"] = "https://sts.windows.net/{tenantid}/"
		}
		doc["token_endpoint"] = base + "/oauth2/token"
		doc["authorization_endpoint"] = base + "/oauth2/authorize"
		doc["jwks_uri"] = baseURL(r) + "/common/discovery/keys"
		delete(doc, "device_authorization_endpoint")
	}
	w.Header().Set("Cache-Control", "max-age=86400, private")
	wire.JSON(w, 200, doc)
}

// clouds is instance discovery's metadata as Entra answers it: the five
// clouds, public first with preferred_cache login.windows.net (recorded in
// fidelity/recordings/entra/instance-discovery.json).
var clouds = []map[string]any{
	{"preferred_network": Host, "preferred_cache": "login.windows.net", "aliases": append([]string{Host}, Aliases...)},
	{"preferred_network": "login.partner.microsoftonline.cn", "preferred_cache": "login.partner.microsoftonline.cn",
		"aliases": []string{"login.partner.microsoftonline.cn", "login.chinacloudapi.cn"}},
	{"preferred_network": "login.microsoftonline.de", "preferred_cache": "login.microsoftonline.de", "aliases": []string{"login.microsoftonline.de"}},
	{"preferred_network": "login.microsoftonline.us", "preferred_cache": "login.microsoftonline.us",
		"aliases": []string{"login.microsoftonline.us", "login.usgovcloudapi.net"}},
	{"preferred_network": "login-us.microsoftonline.com", "preferred_cache": "login-us.microsoftonline.com", "aliases": []string{"login-us.microsoftonline.com"}},
}

// knownInstance tells whether host is an alias of one of the clouds.
func knownInstance(host string) bool {
	for _, c := range clouds {
		if slices.ContainsFunc(c["aliases"].([]string), func(a string) bool { return strings.EqualFold(a, host) }) {
			return true
		}
	}
	return false
}

// instanceDiscovery answers MSAL's /common/discovery/instance: the five
// clouds for a host of theirs, one block naming itself for the emulator's
// own origin, invalid_instance for the rest, like Entra.
func (e *Server) instanceDiscovery(w http.ResponseWriter, r *http.Request) {
	ae := r.URL.Query().Get("authorization_endpoint")
	u, err := url.Parse(ae)
	if ae == "" || err != nil || u.Host == "" {
		writeEntraError(w, r, newEntraError(400, "invalid_request", 90014,
			"The required field 'authorization_endpoint' is missing from the credential. Ensure that you have all the necessary parameters for the login request."))
		return
	}
	host := u.Host
	own := wire.HostOnly(host) == wire.HostOnly(r.Host) && !isEntraHost(r.Host)
	if !own && !knownInstance(wire.HostOnly(host)) {
		writeEntraError(w, r, newEntraError(400, "invalid_instance", 50049,
			"Unknown or invalid instance."))
		return
	}
	tenant := "common"
	if segs := splitPath(u.Path); len(segs) > 0 {
		tenant = segs[0]
	}
	metadata := clouds
	if own {
		metadata = []map[string]any{{"preferred_network": host, "preferred_cache": host, "aliases": []string{host}}}
	}
	w.Header().Set("Cache-Control", "max-age=86400, private")
	wire.JSON(w, 200, map[string]any{
		"tenant_discovery_endpoint": "https://" + host + "/" + tenant + "/v2.0/.well-known/openid-configuration",
		"api-version":               "1.1",
		"metadata":                  metadata,
	})
}
