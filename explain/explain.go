// Package explain reads recorded exchanges (httpx's redacted trace) the way
// a person who knows Entra ID and Databricks would: which grant each token
// request is, which client asked (by name, from the first-party catalogue),
// for which tenant and scope, what token came back (audience, scopes or
// roles, lifetime), FOCI, CAE, discovery calls, and the client library's
// identifying headers.
package explain

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/azrepl/azrepl/auth"
	"github.com/azrepl/azrepl/httpx"
)

// Kinds of step.
const (
	KindToken      = "token"      // a token endpoint request
	KindDeviceCode = "devicecode" // the device authorization request
	KindAuthorize  = "authorize"  // the browser's /authorize request
	KindDiscovery  = "discovery"  // metadata, instance discovery, UserRealm, tenant discovery
	KindAPI        = "api"        // a call to Graph, ARM, Databricks or another resource
)

// Step is one exchange explained.
type Step struct {
	Index   int
	Kind    string
	Service string // "Entra", "Graph", "ARM", "Databricks", or the host
	Method  string
	URL     string
	Path    string
	Status  int
	Error   string // the service's error code, or the transport error

	Grant      string // "device code", "refresh token", "client credentials (secret)"…
	GrantType  string // grant_type as sent
	Endpoint   string // "v2.0", "v1", "databricks workspace", "databricks account", "managed identity"
	ClientID   string
	ClientName string // from the first-party catalogue ("" if not in it)
	Tenant     string
	Scope      string // scope (v2.0) or resource (v1) as sent
	Claims     string // the claims parameter sent, if any
	Discovery  string // "OIDC metadata", "instance discovery", "UserRealm", …

	Token     *TokenFacts // the access token received (token steps) or sent (API steps)
	FOCI      bool        // the answer says foci=1, or the client is a family member redeeming a refresh token
	CAE       bool        // the client said it handles claims challenges (xms_cc / cp1)
	Challenge string      // a claims challenge in the answer (WWW-Authenticate insufficient_claims)
	Bearer    string      // API steps: "jwt", "opaque" (a PAT or another non-JWT token), "" none

	SKU, Ver, RequestID, UserAgent string
}

// TokenFacts are the public facts of an access token.
type TokenFacts struct {
	Audience, Scopes, Roles, Tenant, AppID, Subject string
	Lifetime                                        int64 // seconds from iat (or nbf) to exp; 0 unknown
	CAE                                             bool  // xms_cc present
}

// Steps explains every exchange, in order.
func Steps(all []httpx.Exchange) []Step {
	out := make([]Step, 0, len(all))
	for _, e := range all {
		out = append(out, Explain(e))
	}
	return out
}

// Explain explains one exchange.
func Explain(e httpx.Exchange) Step {
	s := Step{Index: e.Index, Method: e.Method, URL: e.URL, Status: e.Status}
	u, err := url.Parse(e.URL)
	if err != nil {
		s.Kind, s.Service = KindAPI, "?"
		return s
	}
	s.Path = u.EscapedPath()
	host := strings.ToLower(u.Hostname())
	s.Service = serviceOf(host, s.Path)
	s.SKU = header(e, "X-Client-Sku")
	s.Ver = header(e, "X-Client-Ver")
	s.RequestID = header(e, "Client-Request-Id")
	s.UserAgent = header(e, "User-Agent")
	s.Error = errorOf(e)
	lower := strings.ToLower(s.Path)
	switch {
	case strings.HasSuffix(lower, "/token") || strings.Contains(lower, "/metadata/identity/oauth2/token") || strings.HasSuffix(lower, "/msi/token"):
		s.Kind = KindToken
		explainToken(&s, e, u)
	case strings.HasSuffix(lower, "/devicecode") || strings.HasSuffix(lower, "/devicecode/"):
		s.Kind = KindDeviceCode
		s.Tenant = firstSegment(s.Path)
		s.ClientID = form(e, "client_id")
		s.Scope = form(e, "scope")
		s.Grant = "device code"
	case strings.HasSuffix(lower, "/authorize"):
		s.Kind = KindAuthorize
		q := u.Query()
		s.Tenant = firstSegment(s.Path)
		s.ClientID, s.Scope = q.Get("client_id"), q.Get("scope")
		s.Grant = "authorization code"
		if q.Get("code_challenge") != "" {
			s.Grant += " + PKCE"
		}
	default:
		if d := discoveryOf(lower, u); d != "" {
			s.Kind, s.Discovery = KindDiscovery, d
			if s.Service == "Entra" {
				s.Tenant = tenantOfDiscovery(s.Path)
			}
			break
		}
		s.Kind = KindAPI
		s.Token = tokenFacts(e, "request Authorization")
		if scheme, ok := authScheme(e); ok && strings.EqualFold(scheme, "Bearer") {
			s.Bearer = "opaque"
			if s.Token != nil {
				s.Bearer = "jwt"
			}
		}
		s.Challenge = challengeOf(e)
	}
	s.ClientName = clientName(s.ClientID)
	return s
}

func explainToken(s *Step, e httpx.Exchange, u *url.URL) {
	lower := strings.ToLower(s.Path)
	s.GrantType = form(e, "grant_type")
	s.ClientID = form(e, "client_id")
	if s.ClientID == "" {
		s.ClientID = e.BasicUser
	}
	s.Scope = form(e, "scope")
	if s.Scope == "" {
		s.Scope = form(e, "resource")
	}
	s.Claims = form(e, "claims")
	s.CAE = strings.Contains(s.Claims, "xms_cc") || strings.Contains(strings.ToLower(form(e, "client_capabilities")), "cp1")
	switch {
	case s.Service == "Databricks" && strings.Contains(lower, "/oidc/accounts/"):
		s.Endpoint = "databricks account"
	case s.Service == "Databricks":
		s.Endpoint = "databricks workspace"
	case strings.Contains(lower, "/metadata/identity/") || strings.HasSuffix(lower, "/msi/token") || strings.Contains(lower, "/cloudshell/"):
		s.Endpoint = "managed identity"
		s.Scope = u.Query().Get("resource")
		s.ClientID = cmp.Or(u.Query().Get("client_id"), u.Query().Get("msi_res_id"), u.Query().Get("object_id"))
	case strings.Contains(lower, "/oauth2/v2.0/token"):
		s.Endpoint = "v2.0"
		s.Tenant = firstSegment(s.Path)
	case strings.Contains(lower, "/oauth2/token"):
		s.Endpoint = "v1"
		s.Tenant = firstSegment(s.Path)
	}
	s.Grant = grantName(s, e)
	s.Token = tokenFacts(e, "response access_token")
	if s.Token != nil && s.Token.CAE {
		s.CAE = true
	}
	body := map[string]any{}
	_ = json.Unmarshal([]byte(e.RespBody), &body)
	if s.Token != nil {
		if n, err := strconv.ParseInt(fmt.Sprint(body["expires_in"]), 10, 64); err == nil && n > 0 {
			s.Token.Lifetime = n // what the client was told, not exp - iat (Entra backdates iat by 5 minutes)
		}
	}
	if fmt.Sprint(body["foci"]) == "1" {
		s.FOCI = true
	}
	if s.GrantType == "refresh_token" && family(s.ClientID) {
		s.FOCI = true
	}
}

// grantName words the grant of a token request.
func grantName(s *Step, e httpx.Exchange) string {
	db := s.Service == "Databricks"
	switch g := s.GrantType; {
	case s.Endpoint == "managed identity":
		return "managed identity (" + managedIdentityStyle(s.Path, e) + ")"
	case g == "urn:ietf:params:oauth:grant-type:device_code" || g == "device_code":
		return "device code"
	case g == "authorization_code":
		n := "authorization code"
		if hasForm(e, "code_verifier") {
			n += " + PKCE"
		}
		if db {
			n = "Databricks U2M (" + n + ")"
		}
		return n
	case g == "refresh_token":
		if db {
			return "Databricks refresh token"
		}
		return "refresh token"
	case g == "client_credentials":
		var how string
		switch {
		case hasForm(e, "client_secret"):
			how = "secret"
		case e.BasicUser != "":
			how = "secret in Basic auth"
		case hasForm(e, "client_assertion"):
			how = assertionKind(e, s.ClientID)
		default:
			how = "no credential"
		}
		if db {
			return "Databricks M2M (client credentials, " + how + ")"
		}
		return "client credentials (" + how + ")"
	case g == "password":
		return "ROPC (username + password)"
	case g == "urn:ietf:params:oauth:grant-type:jwt-bearer":
		if form(e, "requested_token_use") == "on_behalf_of" {
			return "on-behalf-of"
		}
		return "JWT bearer assertion"
	case g == "urn:ietf:params:oauth:grant-type:token-exchange":
		if db {
			return "Databricks OIDC federation (token exchange)"
		}
		return "token exchange"
	case g == "":
		return "token request without grant_type"
	}
	return s.GrantType
}

// assertionKind: a certificate assertion is issued by the client itself
// (iss = sub = client id); a federated one comes from another issuer
// (GitHub, Kubernetes, another tenant's managed identity).
func assertionKind(e httpx.Exchange, clientID string) string {
	for _, t := range e.Tokens {
		if t.Where == "request client_assertion" {
			if iss, _ := t.Claims["iss"].(string); iss != "" && iss != clientID {
				return "federated assertion from " + iss
			}
			return "certificate assertion"
		}
	}
	return "assertion"
}

func managedIdentityStyle(path string, e httpx.Exchange) string {
	p := strings.ToLower(path)
	switch {
	case strings.Contains(p, "/arc/"):
		return "Azure Arc"
	case strings.Contains(p, "/metadata/identity/"):
		return "IMDS"
	case strings.Contains(p, "/cloudshell/"):
		return "Cloud Shell"
	case strings.HasSuffix(p, "/msi/token"):
		if header(e, "X-Identity-Header") != "" {
			return "App Service"
		}
		return "App Service (old header)"
	}
	return "unknown style"
}

func discoveryOf(lower string, u *url.URL) string {
	switch {
	case strings.HasSuffix(lower, "/.well-known/openid-configuration"):
		return "OIDC metadata"
	case strings.HasSuffix(lower, "/.well-known/oauth-authorization-server"):
		return "OAuth metadata"
	case strings.HasSuffix(lower, "/discovery/instance") || strings.HasSuffix(lower, "/discovery/keys"):
		if strings.HasSuffix(lower, "/keys") {
			return "signing keys"
		}
		return "instance discovery"
	case strings.Contains(lower, "/userrealm"):
		return "UserRealm"
	case strings.HasSuffix(lower, "/discovery/v2.0/keys") || strings.HasSuffix(lower, "/jwks.json"):
		return "signing keys"
	case strings.HasSuffix(lower, "/.well-known/databricks-config"):
		return "Databricks host metadata"
	case lower == "/aad/auth":
		return "Databricks tenant discovery"
	}
	_ = u
	return ""
}

func tenantOfDiscovery(path string) string {
	seg := firstSegment(path)
	if seg == ".well-known" || seg == "common" && strings.Contains(strings.ToLower(path), "/discovery/instance") {
		if seg == "common" {
			return "common"
		}
		return ""
	}
	return seg
}

func serviceOf(host, path string) string {
	switch {
	case strings.HasPrefix(host, "login.") || host == "sts.windows.net" || host == "login.live.com":
		return "Entra"
	case strings.Contains(host, "graph.") || host == "graph.windows.net":
		return "Graph"
	case strings.HasPrefix(host, "management."):
		return "ARM"
	case strings.Contains(host, "databricks"):
		return "Databricks"
	case host == "microsoft.com" || host == "www.microsoft.com":
		return "Entra"
	case host == "169.254.169.254" || strings.Contains(strings.ToLower(path), "/msi/") || strings.Contains(strings.ToLower(path), "/metadata/identity/"):
		return "managed identity"
	}
	return host
}

// FriendlyScope names the resource of a scope the way people say it:
// "https://management.core.windows.net//.default offline_access" → "ARM .default offline_access".
func FriendlyScope(scope string) string {
	var out []string
	for _, part := range strings.Fields(scope) {
		out = append(out, friendlyOne(part))
	}
	return strings.Join(out, " ")
}

var resourceNames = []struct{ prefix, name string }{
	{"https://management.core.windows.net/", "ARM"}, {"https://management.azure.com/", "ARM"},
	{"https://management.core.windows.net", "ARM"}, {"https://management.azure.com", "ARM"},
	{"https://graph.microsoft.com/", "Graph"}, {"https://graph.microsoft.com", "Graph"},
	{"00000003-0000-0000-c000-000000000000/", "Graph"},
	{"2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/", "Azure Databricks"}, {"2ff814a6-3304-4ab8-85cb-cd0e6f879c1d", "Azure Databricks"},
	{"https://vault.azure.net/", "Key Vault"}, {"https://vault.azure.net", "Key Vault"},
	{"https://storage.azure.com/", "Storage"}, {"https://storage.azure.com", "Storage"},
}

func friendlyOne(s string) string {
	for _, r := range resourceNames {
		if strings.HasPrefix(strings.ToLower(s), strings.ToLower(r.prefix)) {
			rest := strings.TrimLeft(s[len(r.prefix):], "/")
			if rest == "" {
				return r.name
			}
			return r.name + " " + rest
		}
	}
	return s
}

// FriendlyAudience names a token's audience ("https://graph.microsoft.com" → "Graph").
func FriendlyAudience(aud string) string {
	if aud == "" {
		return ""
	}
	if n := friendlyOne(strings.TrimSuffix(aud, "/") + "/"); n != aud+"/" && !strings.Contains(n, " ") {
		return n
	}
	return aud
}

func tokenFacts(e httpx.Exchange, where string) *TokenFacts {
	for _, t := range e.Tokens {
		if t.Where != where {
			continue
		}
		c := t.Claims
		f := &TokenFacts{Audience: text(c["aud"]), Scopes: text(c["scp"]), Roles: text(c["roles"]), Tenant: text(c["tid"]),
			AppID: cmp.Or(text(c["appid"]), text(c["azp"]), text(c["client_id"])), Subject: text(c["sub"])}
		if f.Scopes == "" {
			f.Scopes = text(c["scope"]) // Databricks tokens
		}
		exp, _ := c["exp"].(float64)
		start, _ := c["iat"].(float64)
		if start == 0 {
			start, _ = c["nbf"].(float64)
		}
		if exp > 0 && start > 0 {
			f.Lifetime = int64(exp - start)
		}
		_, f.CAE = c["xms_cc"]
		return f
	}
	return nil
}

// ClaimText is a claim as text: a list joined with spaces, a number whole.
func ClaimText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []any:
		parts := make([]string, len(x))
		for i, p := range x {
			parts[i] = fmt.Sprint(p)
		}
		return strings.Join(parts, " ")
	case float64:
		return fmt.Sprint(int64(x))
	}
	return fmt.Sprint(v)
}

func text(v any) string { return ClaimText(v) }

func form(e httpx.Exchange, name string) string {
	for _, f := range e.ReqForm {
		if f.Name == name {
			if f.Secret {
				return httpx.Mask
			}
			return f.Value
		}
	}
	return ""
}

func hasForm(e httpx.Exchange, name string) bool {
	for _, f := range e.ReqForm {
		if f.Name == name {
			return true
		}
	}
	return false
}

func header(e httpx.Exchange, name string) string {
	for k, vs := range e.ReqHeader {
		if strings.EqualFold(k, name) && len(vs) > 0 {
			return vs[0]
		}
	}
	return ""
}

func authScheme(e httpx.Exchange) (string, bool) {
	v := header(e, "Authorization")
	scheme, _, ok := strings.Cut(strings.TrimSpace(v), " ")
	return scheme, ok
}

func challengeOf(e httpx.Exchange) string {
	for k, vs := range e.RespHeader {
		if !strings.EqualFold(k, "Www-Authenticate") {
			continue
		}
		for _, v := range vs {
			if strings.Contains(v, "insufficient_claims") {
				return "insufficient_claims"
			}
		}
	}
	return ""
}

func errorOf(e httpx.Exchange) string {
	if e.Err != "" {
		return e.Err
	}
	if e.Status < 400 {
		return ""
	}
	return httpx.ParseServiceError(e.Status, e.RespHeader, []byte(e.RespBody), e.URL).Code
}

func firstSegment(path string) string {
	seg, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	return seg
}

func clientName(id string) string {
	if id == "" {
		return ""
	}
	for _, c := range auth.FirstPartyClients {
		if strings.EqualFold(c.ID, id) {
			return c.Name
		}
	}
	if id == auth.DatabricksCLIClientID {
		return "Databricks CLI"
	}
	return ""
}

func family(id string) bool {
	for _, c := range auth.FirstPartyClients {
		if strings.EqualFold(c.ID, id) {
			return c.Family
		}
	}
	return false
}
