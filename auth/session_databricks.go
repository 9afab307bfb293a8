package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// DatabricksOptions selects a workspace and how to sign in to it.
type DatabricksOptions struct {
	Host, Profile string
	Flow          string // "pat", "u2m", "m2m", "azure", "azure-client-secret", "file-oidc", "env-oidc", "github-oidc"; "" = auth_type / DATABRICKS_AUTH_TYPE, else pat when a token is known, m2m when a client id and secret are, else u2m
	ClientID      string
	ClientSecret  string
	Token         string // a personal access token (flow "pat")
	AccountID     string // account level (accounts.azuredatabricks.net): the account id
	Force         bool   // skip the cached access token
	TokenFile     string // file-oidc: the OIDC token file (default $DATABRICKS_OIDC_TOKEN_FILEPATH)
	Audience      string // workload identity federation: the OIDC token's audience (default $DATABRICKS_TOKEN_AUDIENCE)
	Ports         []int  // U2M loopback ports; nil = 8020..8040
}

// databricksAccount is the cache's "account" for Databricks OAuth tokens:
// they are keyed by host (and client), as the Databricks CLI keys them.
const databricksAccount = "databricks"

// DatabricksToken returns a token for a Databricks workspace with the flow
// the options name, else the first of databricksChain that fits: for
// "azure" an Entra token for the Azure Databricks resource from the current
// login; for "m2m" a cached token or a new client-credentials one; for
// "u2m" a cached token, else the refresh token redeemed, else a browser login.
func (s *Session) DatabricksToken(ctx context.Context, o DatabricksOptions) (*Token, DatabricksConfig, error) {
	cfg, err := LoadDatabricksConfig(s.cfg.Getenv, DatabricksConfig{Host: o.Host, Profile: o.Profile, ClientID: o.ClientID, ClientSecret: o.ClientSecret, Token: o.Token, AccountID: o.AccountID, Audience: o.Audience})
	if err != nil {
		return nil, cfg, err
	}
	f, err := pickDatabricksFlow(cfg, o)
	if err != nil {
		return nil, cfg, err
	}
	cfg.Flow = f.name
	t, err := f.token(s, ctx, cfg, o)
	return t, cfg, err
}

// databricksU2M redeems the stored refresh token, or signs in with the
// browser when there is none or it was refused.
func (s *Session) databricksU2M(ctx context.Context, ep *DatabricksEndpoints, hostKey string, ports []int) (*TokenResponse, error) {
	d, err := s.cache.read()
	if err != nil {
		return nil, err
	}
	if rt, ok := d.RefreshTokens[refreshKey(hostKey, databricksAccount, DatabricksCLIClientID)]; ok {
		tr, err := DatabricksRefresh(ctx, s.cfg.HTTP, ep, rt.Secret)
		if err == nil {
			return tr, nil
		}
		var ee *EntraError
		if !errors.As(err, &ee) {
			return nil, err
		}
		fmt.Fprintf(s.cfg.Prompt, "The Databricks refresh token was refused (%s): signing in again.\n", ee.Err)
	}
	return DatabricksU2M(ctx, s.cfg.HTTP, ep, AuthCodeRequest{OpenURL: s.cfg.OpenURL, ShowURL: s.showURL, OnWait: s.cfg.OnCountdown}, ports)
}

func hostOf(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return strings.ToLower(u)
	}
	return strings.ToLower(p.Host)
}

// databricksPAT uses a personal access token as it is: no exchange, and
// it is never written to the cache (the workspace checks it on each call).
func (s *Session) databricksPAT(_ context.Context, cfg DatabricksConfig, _ DatabricksOptions) (*Token, error) {
	if cfg.Token == "" {
		return nil, errors.New("databricks PAT: pass token, set DATABRICKS_TOKEN, or add token to a ~/.databrickscfg profile")
	}
	s.learn(cfg.Token)
	source := "env DATABRICKS_TOKEN"
	switch {
	case cfg.Profile != "" && s.env("DATABRICKS_TOKEN") == "":
		source = "profile [" + cfg.Profile + "] of ~/.databrickscfg"
	}
	acct := Account{Environment: hostOf(cfg.Host), HomeAccountID: databricksAccount, Flow: "databricks-pat", Authority: cfg.Host, Source: source}
	return &Token{AccessToken: cfg.Token, TokenType: "Bearer", Account: acct}, nil
}

// discoverDatabricksAt reads the discovery document of a workspace
// ({host}/oidc/...) or of an account ({host}/oidc/accounts/{id}/...).
func discoverDatabricksAt(ctx context.Context, hc *http.Client, base string) (*DatabricksEndpoints, error) {
	if host, id, ok := strings.Cut(base, "/oidc/accounts/"); ok {
		return discover(ctx, hc, normalizeDatabricksHost(host)+"/oidc/accounts/"+id+"/.well-known/oauth-authorization-server")
	}
	return DiscoverDatabricks(ctx, hc, base)
}
