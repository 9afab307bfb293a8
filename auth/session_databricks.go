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

// DatabricksToken returns a token for a Databricks workspace: for "azure"
// an Entra token for the Azure Databricks resource from the current login;
// for "m2m" a cached token or a new client-credentials one; for "u2m" a
// cached token, else the refresh token redeemed, else a browser login.
func (s *Session) DatabricksToken(ctx context.Context, o DatabricksOptions) (*Token, DatabricksConfig, error) {
	cfg, err := LoadDatabricksConfig(s.cfg.Getenv, DatabricksConfig{Host: o.Host, Profile: o.Profile, ClientID: o.ClientID, ClientSecret: o.ClientSecret, Token: o.Token, AccountID: o.AccountID, Audience: o.Audience})
	if err != nil {
		return nil, cfg, err
	}
	flow := strings.ToLower(o.Flow)
	if flow == "" {
		switch {
		case cfg.Token != "" && o.ClientID == "":
			flow = "pat" // the Databricks SDKs try a PAT first
		case cfg.AuthType == "azure-cli":
			flow = "azure"
		case cfg.AuthType == DatabricksAzureClientSecret:
			flow = cfg.AuthType
		case isDatabricksOIDC(cfg.AuthType):
			flow = cfg.AuthType
		case cfg.ClientID != "" && cfg.ClientSecret != "":
			flow = "m2m"
		case cfg.AzureClientID != "" && cfg.AzureClientSecret != "" && cfg.AzureTenantID != "":
			flow = DatabricksAzureClientSecret // the SDK tries it after m2m; azrepl's u2m needs a person
		default:
			flow = "u2m"
		}
	}
	if flow == "azure" {
		t, err := s.Token(ctx, DatabricksEntraScope, TokenOptions{Force: o.Force})
		return t, cfg, err
	}
	if flow == "pat" {
		return s.databricksPAT(cfg)
	}
	if flow == DatabricksAzureClientSecret {
		t, err := s.databricksAzureSP(ctx, cfg, o.Force)
		return t, cfg, err
	}
	if flow != "u2m" && flow != "m2m" && !isDatabricksOIDC(flow) {
		return nil, cfg, fmt.Errorf("unknown Databricks flow %q: use pat, u2m, m2m, azure, azure-client-secret, file-oidc, env-oidc or github-oidc", o.Flow)
	}
	var oidc assertionSource
	if isDatabricksOIDC(flow) {
		if oidc, err = s.databricksOIDCSource(flow, cfg, o.TokenFile); err != nil {
			return nil, cfg, err
		}
	}
	hostKey := hostOf(cfg.Host)
	// The account console has one OAuth server per account, under
	// /oidc/accounts/{id} (databricks.md: account-level OAuth).
	discoveryHost := cfg.Host
	if strings.HasPrefix(hostKey, "accounts.") {
		if cfg.AccountID == "" {
			return nil, cfg, errors.New("databricks: the account host needs the account: pass accountId or set DATABRICKS_ACCOUNT_ID")
		}
		discoveryHost = cfg.Host + "/oidc/accounts/" + cfg.AccountID
		hostKey += "/" + strings.ToLower(cfg.AccountID)
	}
	clientID := DatabricksCLIClientID
	acct := Account{Environment: hostKey, HomeAccountID: databricksAccount, Flow: "databricks-" + flow, Authority: cfg.Host}
	scope := databricksU2MScope
	switch {
	case flow == "m2m":
		clientID, scope = cfg.ClientID, databricksM2MScope
	case isDatabricksOIDC(flow):
		// Its own cache slot: an exchanged token is not an M2M one.
		clientID, scope = cfg.ClientID, databricksM2MScope
		acct.HomeAccountID = databricksAccount + "-oidc"
		acct.Source = oidc.String()
	}
	acct.ClientID = clientID
	d, err := s.cache.read()
	if err != nil {
		return nil, cfg, err
	}
	if !o.Force {
		if e, ok := d.freshAccess(hostKey, "", clientID, acct.HomeAccountID, scope); ok {
			return newToken(e.Secret, firstNonEmpty(e.GrantedScope, e.Scope), e.TokenType, e.expiresOn(), "", clientID, acct, true), cfg, nil
		}
	}
	ep, err := discoverDatabricksAt(ctx, s.cfg.HTTP, discoveryHost)
	if err != nil {
		return nil, cfg, err
	}
	var tr *TokenResponse
	switch {
	case flow == "m2m":
		tr, err = DatabricksM2M(ctx, s.cfg.HTTP, ep, cfg.ClientID, cfg.ClientSecret)
	case isDatabricksOIDC(flow):
		tr, err = s.databricksExchange(ctx, ep, cfg, discoveryHost != cfg.Host, oidc)
	default:
		tr, err = s.databricksU2M(ctx, d, ep, hostKey, o.Ports)
	}
	if err != nil {
		return nil, cfg, err
	}
	if err := s.save(saved{account: acct, scope: scope, resp: tr}); err != nil {
		return nil, cfg, err
	}
	return newToken(tr.AccessToken, firstNonEmpty(tr.Scope, scope), tr.TokenType, tr.ExpiresOn, "", clientID, acct, false), cfg, nil
}

// databricksU2M redeems the stored refresh token, or signs in with the
// browser when there is none or it was refused.
func (s *Session) databricksU2M(ctx context.Context, d *cacheData, ep *DatabricksEndpoints, hostKey string, ports []int) (*TokenResponse, error) {
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
	return DatabricksU2M(ctx, s.cfg.HTTP, ep, s.cfg.OpenURL, s.showURL, ports)
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
func (s *Session) databricksPAT(cfg DatabricksConfig) (*Token, DatabricksConfig, error) {
	if cfg.Token == "" {
		return nil, cfg, errors.New("databricks PAT: pass token, set DATABRICKS_TOKEN, or add token to a ~/.databrickscfg profile")
	}
	s.learn(cfg.Token)
	source := "env DATABRICKS_TOKEN"
	switch {
	case cfg.Profile != "" && s.env("DATABRICKS_TOKEN") == "":
		source = "profile [" + cfg.Profile + "] of ~/.databrickscfg"
	}
	acct := Account{Environment: hostOf(cfg.Host), HomeAccountID: databricksAccount, Flow: "databricks-pat", Authority: cfg.Host, Source: source}
	return &Token{AccessToken: cfg.Token, TokenType: "Bearer", Account: acct}, cfg, nil
}

// discoverDatabricksAt reads the discovery document of a workspace
// ({host}/oidc/...) or of an account ({host}/oidc/accounts/{id}/...).
func discoverDatabricksAt(ctx context.Context, hc *http.Client, base string) (*DatabricksEndpoints, error) {
	if host, id, ok := strings.Cut(base, "/oidc/accounts/"); ok {
		return discover(ctx, hc, normalizeDatabricksHost(host)+"/oidc/accounts/"+id+"/.well-known/oauth-authorization-server")
	}
	return DiscoverDatabricks(ctx, hc, base)
}
