package auth

import (
	"cmp"
	"context"
	"errors"
	"fmt"
)

// Databricks workload identity federation (https://learn.microsoft.com/azure/databricks/dev-tools/auth/oauth-federation), with the
// Databricks SDK's auth type names: an OIDC token from the workload's
// platform — a file, an environment variable, GitHub Actions — read or
// fetched anew before every exchange, is exchanged (RFC 8693) at the
// workspace's (or account's) token endpoint for a Databricks token of the
// principal its federation policy names.
const (
	DatabricksFileOIDC   = "file-oidc"
	DatabricksEnvOIDC    = "env-oidc"
	DatabricksGitHubOIDC = "github-oidc"
)

// databricksOIDCSource is where the flow's OIDC token comes from.
func (s *Session) databricksOIDCSource(flow string, cfg DatabricksConfig, tokenFile string) (assertionSource, error) {
	switch flow {
	case DatabricksFileOIDC:
		if tokenFile != "" {
			return assertionSource{kind: "file", path: tokenFile, variable: "option tokenFile"}, nil
		}
		if cfg.OIDCTokenFile == "" {
			return assertionSource{}, errors.New("databricks file-oidc: no OIDC token file: pass tokenFile or set DATABRICKS_OIDC_TOKEN_FILEPATH (profile key databricks_id_token_filepath)")
		}
		return assertionSource{kind: "file", path: cfg.OIDCTokenFile, variable: "DATABRICKS_OIDC_TOKEN_FILEPATH"}, nil
	case DatabricksEnvOIDC:
		v := cmp.Or(cfg.OIDCTokenEnv, "DATABRICKS_OIDC_TOKEN")
		if s.env(v) == "" {
			return assertionSource{}, fmt.Errorf("databricks env-oidc: %s is empty or not set (DATABRICKS_OIDC_TOKEN_ENV names another variable)", v)
		}
		return assertionSource{kind: "env", variable: v}, nil
	default: // github-oidc
		u, tok := s.env("ACTIONS_ID_TOKEN_REQUEST_URL"), s.env("ACTIONS_ID_TOKEN_REQUEST_TOKEN")
		if u == "" || tok == "" {
			return assertionSource{}, errors.New("databricks github-oidc: ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN must be set (a GitHub Actions job with permissions: id-token: write)")
		}
		s.learn(tok)
		return assertionSource{kind: "GitHub Actions", url: u, bearer: tok, variable: "ACTIONS_ID_TOKEN_REQUEST_URL"}, nil
	}
}

// databricksExchange is the SDK's databricksOIDCTokenSource: the OIDC token
// for the audience (the configured one, else the account id on an account
// host, else the token endpoint URL) goes as subject_token; client_id names
// the service principal of a workload identity policy and is left out for
// account-wide federation; scope all-apis; no secret.
func (s *Session) databricksExchange(ctx context.Context, ep *DatabricksEndpoints, cfg DatabricksConfig, account bool, src assertionSource) (*TokenResponse, error) {
	src.audience = cfg.Audience
	if src.audience == "" {
		src.audience = ep.TokenEndpoint
		if account {
			src.audience = cfg.AccountID
		}
	}
	subject, err := src.assertion(ctx, s)
	if err != nil {
		return nil, err
	}
	tr, err := tokenExchangeGrant(ctx, s.cfg.HTTP, tokenParams{endpoint: ep.TokenEndpoint, clientID: cfg.ClientID, scope: databricksM2MScope}, subject)
	if err != nil {
		var ee *EntraError
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("databricks workload identity federation: the OIDC token from %s was refused: %w", src, ee)
		}
		return nil, err
	}
	return tr, nil
}
