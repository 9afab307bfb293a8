package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Databricks OAuth constants (https://learn.microsoft.com/azure/databricks/dev-tools/auth/oauth-u2m, https://learn.microsoft.com/azure/databricks/dev-tools/auth/oauth-m2m).
const (
	DatabricksCLIClientID = "databricks-cli"
	DatabricksResourceID  = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d" // Azure Databricks in Entra
	DatabricksEntraScope  = DatabricksResourceID + "/.default"
	databricksU2MScope    = "all-apis offline_access"
	databricksM2MScope    = "all-apis"
)

// DatabricksEndpoints are read from the workspace's discovery document.
type DatabricksEndpoints struct {
	AuthorizationEndpoint string `json:"authorization_endpoint"`
	TokenEndpoint         string `json:"token_endpoint"`
}

// DiscoverDatabricks reads {host}/oidc/.well-known/oauth-authorization-server.
func DiscoverDatabricks(ctx context.Context, hc *http.Client, host string) (*DatabricksEndpoints, error) {
	return discover(ctx, hc, normalizeDatabricksHost(host)+"/oidc/.well-known/oauth-authorization-server")
}

func discover(ctx context.Context, hc *http.Client, u string) (*DatabricksEndpoints, error) {
	req, err := newRequest(http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	a, err := send(ctx, hc, req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	if a.status == http.StatusNotFound {
		return nil, fmt.Errorf("databricks OAuth is not supported for this host (%s answered 404)", u)
	}
	if ctype := a.contentType(); !isJSON(ctype, a.body) {
		return nil, fmt.Errorf("GET %s: HTTP %d answered %s, not JSON", u, a.status, describeType(ctype))
	}
	if a.status != http.StatusOK {
		return nil, fmt.Errorf("GET %s: HTTP %d", u, a.status)
	}
	var e DatabricksEndpoints
	if err := json.Unmarshal(a.body, &e); err != nil {
		return nil, fmt.Errorf("GET %s: %s", u, jsonErrorWithoutData(err))
	}
	if e.AuthorizationEndpoint == "" || e.TokenEndpoint == "" {
		return nil, fmt.Errorf("GET %s: no authorization_endpoint or token_endpoint", u)
	}
	// The client secret, refresh token and sign-in go to these endpoints:
	// they must be https on the workspace's own host.
	base, _ := url.Parse(u)
	for _, ep := range []string{e.AuthorizationEndpoint, e.TokenEndpoint} {
		p, err := url.Parse(ep)
		if err != nil || p.Scheme != "https" || base == nil || !strings.EqualFold(p.Host, base.Host) {
			return nil, fmt.Errorf("%w: GET %s names an endpoint off the workspace host (%.200q): not used", ErrRefused, u, ep)
		}
	}
	return &e, nil
}

// databricksPorts is 8020 then 8021..8040: databricks-cli's registered
// redirect URIs (the Databricks CLI's registered loopback redirects, https://learn.microsoft.com/azure/databricks/dev-tools/auth/oauth-u2m).
func databricksPorts() []int {
	p := make([]int, 0, 21)
	for i := 8020; i <= 8040; i++ {
		p = append(p, i)
	}
	return p
}

// DatabricksU2M is the per-user login: authorization code + PKCE with the
// databricks-cli public client and a redirect to http://localhost:8020
// (or the next free port up to 8040).
// The browser side (open, show, countdown) is r's OpenURL, ShowURL and OnWait.
func DatabricksU2M(ctx context.Context, hc *http.Client, ep *DatabricksEndpoints, browser AuthCodeRequest, ports []int) (*TokenResponse, error) {
	if ports == nil {
		ports = databricksPorts()
	}
	return AuthCodeFlow(ctx, hc, AuthCodeRequest{
		AuthorizeURL: ep.AuthorizationEndpoint, TokenURL: ep.TokenEndpoint,
		ClientID: DatabricksCLIClientID, Scope: databricksU2MScope, Ports: ports,
		OpenURL: browser.OpenURL, ShowURL: browser.ShowURL, OnWait: browser.OnWait,
	})
}

// DatabricksRefresh redeems a U2M refresh token. If the answer has no new
// refresh token, the old one stays valid (x/oauth2 keeps it too).
func DatabricksRefresh(ctx context.Context, hc *http.Client, ep *DatabricksEndpoints, refreshToken string) (*TokenResponse, error) {
	tr, err := RefreshToken(ctx, hc, ep.TokenEndpoint, DatabricksCLIClientID, refreshToken, "", nil)
	if err != nil {
		return nil, err
	}
	if tr.RefreshToken == "" {
		tr.RefreshToken = refreshToken
	}
	return tr, nil
}

// DatabricksM2M is client credentials for a Databricks service principal:
// HTTP Basic, scope all-apis, no refresh token (fetch anew when expired).
func DatabricksM2M(ctx context.Context, hc *http.Client, ep *DatabricksEndpoints, clientID, secret string) (*TokenResponse, error) {
	if clientID == "" || secret == "" {
		return nil, errors.New("databricks M2M needs a client id and secret (DATABRICKS_CLIENT_ID / DATABRICKS_CLIENT_SECRET)")
	}
	return clientCredentialsToken(ctx, hc, tokenParams{endpoint: ep.TokenEndpoint, clientID: clientID, scope: databricksM2MScope,
		auth: clientAuth{secret: secret, basic: true}})
}
