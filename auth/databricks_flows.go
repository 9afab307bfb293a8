package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/azrepl/azrepl/internal/suggest"
)

// A databricksFlow is one way to a Databricks token, named as the
// Databricks SDK names its auth types (config/auth_*.go, one strategy each).
type databricksFlow struct {
	name  string
	token func(s *Session, ctx context.Context, cfg DatabricksConfig, o DatabricksOptions) (*Token, error)
}

var (
	databricksPATFlow   = databricksFlow{"pat", (*Session).databricksPAT}
	databricksAzureFlow = databricksFlow{"azure", func(s *Session, ctx context.Context, _ DatabricksConfig, o DatabricksOptions) (*Token, error) {
		// An Entra token for the Azure Databricks resource from the current login.
		return s.Token(ctx, DatabricksEntraScope, TokenOptions{Force: o.Force})
	}}
	databricksAzureSPFlow = databricksFlow{DatabricksAzureClientSecret, (*Session).databricksAzureSP}
	databricksU2MFlow     = databricksOAuthFlow("u2m", databricksU2MGrant)
	databricksM2MFlow     = databricksOAuthFlow("m2m", databricksM2MGrant)
	databricksFileFlow    = databricksOAuthFlow(DatabricksFileOIDC, databricksOIDCGrant(DatabricksFileOIDC))
	databricksEnvFlow     = databricksOAuthFlow(DatabricksEnvOIDC, databricksOIDCGrant(DatabricksEnvOIDC))
	databricksGitHubFlow  = databricksOAuthFlow(DatabricksGitHubOIDC, databricksOIDCGrant(DatabricksGitHubOIDC))
)

// databricksFlows are the flows DatabricksOptions.Flow can name.
var databricksFlows = []databricksFlow{databricksPATFlow, databricksU2MFlow, databricksM2MFlow, databricksAzureFlow,
	databricksAzureSPFlow, databricksFileFlow, databricksEnvFlow, databricksGitHubFlow}

// databricksChain picks the flow when none is named, first match wins, in
// the SDK's order: a PAT first; then the auth_type a profile or
// DATABRICKS_AUTH_TYPE names; then the credentials at hand (M2M before the
// Entra service principal); else the per-user login, which needs a person.
var databricksChain = []struct {
	flow databricksFlow
	when func(cfg DatabricksConfig, o DatabricksOptions) bool
}{
	{databricksPATFlow, func(c DatabricksConfig, o DatabricksOptions) bool { return c.Token != "" && o.ClientID == "" }},
	{databricksAzureFlow, func(c DatabricksConfig, _ DatabricksOptions) bool { return c.AuthType == "azure-cli" }},
	{databricksAzureSPFlow, authTypeIs(DatabricksAzureClientSecret)},
	{databricksFileFlow, authTypeIs(DatabricksFileOIDC)},
	{databricksEnvFlow, authTypeIs(DatabricksEnvOIDC)},
	{databricksGitHubFlow, authTypeIs(DatabricksGitHubOIDC)},
	{databricksM2MFlow, func(c DatabricksConfig, _ DatabricksOptions) bool { return c.ClientID != "" && c.ClientSecret != "" }},
	{databricksAzureSPFlow, func(c DatabricksConfig, _ DatabricksOptions) bool {
		return c.AzureClientID != "" && c.AzureClientSecret != "" && c.AzureTenantID != ""
	}},
	{databricksU2MFlow, func(DatabricksConfig, DatabricksOptions) bool { return true }},
}

func authTypeIs(name string) func(DatabricksConfig, DatabricksOptions) bool {
	return func(c DatabricksConfig, _ DatabricksOptions) bool { return c.AuthType == name }
}

// DatabricksFlows are the names of the Databricks flows, in the order the
// help lists them.
func DatabricksFlows() []string {
	names := make([]string, len(databricksFlows))
	for i, f := range databricksFlows {
		names[i] = f.name
	}
	return names
}

// pickDatabricksFlow is the flow named by the options, else the chain's.
func pickDatabricksFlow(cfg DatabricksConfig, o DatabricksOptions) (databricksFlow, error) {
	if o.Flow != "" {
		for _, f := range databricksFlows {
			if f.name == strings.ToLower(o.Flow) {
				return f, nil
			}
		}
		return databricksFlow{}, fmt.Errorf("unknown Databricks flow %q%s: use pat, u2m, m2m, azure, azure-client-secret, file-oidc, env-oidc or github-oidc", o.Flow, suggest.DidYouMean(o.Flow, DatabricksFlows()))
	}
	for _, step := range databricksChain {
		if step.when(cfg, o) {
			return step.flow, nil
		}
	}
	return databricksU2MFlow, nil
}

// databricksGrant is how a flow asks the workspace's (or account's) own
// OAuth server, and the cache slot of what it gets.
type databricksGrant struct {
	clientID string
	scope    string
	cacheAs  string // the cache's home account: one slot per kind of token
	source   string // Account.Source
	exchange func(ctx context.Context, s *Session, w databricksOAuthServer) (*TokenResponse, error)
}

// databricksOAuthServer is the OAuth server of a workspace, or of an
// account under /oidc/accounts/{id}, with what a grant needs of it.
type databricksOAuthServer struct {
	cfg     DatabricksConfig
	o       DatabricksOptions
	hostKey string // the cache's environment: the host, plus the account id on the account host
	ep      *DatabricksEndpoints
	account bool
}

// databricksOAuthFlow runs a grant through the token pipeline: keyed by
// host and client as the Databricks CLI keys them, discovered only when the
// cache has no fresh token.
func databricksOAuthFlow(name string, grant func(s *Session, cfg DatabricksConfig, o DatabricksOptions) (databricksGrant, error)) databricksFlow {
	return databricksFlow{name, func(s *Session, ctx context.Context, cfg DatabricksConfig, o DatabricksOptions) (*Token, error) {
		g, err := grant(s, cfg, o)
		if err != nil {
			return nil, err
		}
		w := databricksOAuthServer{cfg: cfg, o: o, hostKey: hostOf(cfg.Host)}
		// The account console has one OAuth server per account, under
		// /oidc/accounts/{id} (https://learn.microsoft.com/azure/databricks/dev-tools/auth/oauth-u2m, account-level).
		discoveryHost := cfg.Host
		if strings.HasPrefix(w.hostKey, "accounts.") {
			if cfg.AccountID == "" {
				return nil, errors.New("databricks: the account host needs the account: pass accountId or set DATABRICKS_ACCOUNT_ID")
			}
			discoveryHost = cfg.Host + "/oidc/accounts/" + cfg.AccountID
			w.hostKey += "/" + strings.ToLower(cfg.AccountID)
			w.account = true
		}
		acct := Account{Environment: w.hostKey, HomeAccountID: g.cacheAs, Flow: "databricks-" + name, Authority: cfg.Host,
			ClientID: g.clientID, Source: g.source}
		return s.obtain(ctx, tokenJob{account: acct, clientID: g.clientID, key: g.scope, shown: g.scope, fresh: o.Force,
			exchange: func(ctx context.Context) (*TokenResponse, error) {
				ep, err := discoverDatabricksAt(ctx, s.cfg.HTTP, discoveryHost)
				if err != nil {
					return nil, err
				}
				w.ep = ep
				return g.exchange(ctx, s, w)
			}})
	}}
}

// databricksU2MGrant: the databricks-cli public client's refresh token
// redeemed, else a browser sign-in.
func databricksU2MGrant(*Session, DatabricksConfig, DatabricksOptions) (databricksGrant, error) {
	return databricksGrant{clientID: DatabricksCLIClientID, scope: databricksU2MScope, cacheAs: databricksAccount,
		exchange: func(ctx context.Context, s *Session, w databricksOAuthServer) (*TokenResponse, error) {
			return s.databricksU2M(ctx, w.ep, w.hostKey, w.o.Ports)
		}}, nil
}

// databricksM2MGrant: a Databricks service principal's OAuth secret.
func databricksM2MGrant(_ *Session, cfg DatabricksConfig, _ DatabricksOptions) (databricksGrant, error) {
	return databricksGrant{clientID: cfg.ClientID, scope: databricksM2MScope, cacheAs: databricksAccount,
		exchange: func(ctx context.Context, s *Session, w databricksOAuthServer) (*TokenResponse, error) {
			return DatabricksM2M(ctx, s.cfg.HTTP, w.ep, cfg.ClientID, cfg.ClientSecret)
		}}, nil
}

// databricksOIDCGrant: workload identity federation, in a cache slot of its
// own (an exchanged token is not an M2M one).
func databricksOIDCGrant(flow string) func(*Session, DatabricksConfig, DatabricksOptions) (databricksGrant, error) {
	return func(s *Session, cfg DatabricksConfig, o DatabricksOptions) (databricksGrant, error) {
		src, err := s.databricksOIDCSource(flow, cfg, o.TokenFile)
		if err != nil {
			return databricksGrant{}, err
		}
		return databricksGrant{clientID: cfg.ClientID, scope: databricksM2MScope, cacheAs: databricksAccount + "-oidc", source: src.String(),
			exchange: func(ctx context.Context, s *Session, w databricksOAuthServer) (*TokenResponse, error) {
				return s.databricksExchange(ctx, w.ep, cfg, w.account, src)
			}}, nil
	}
}
