package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// DatabricksAzureClientSecret is the Databricks SDK's azure-client-secret
// (https://learn.microsoft.com/azure/databricks/dev-tools/auth/azure-sp): an Entra service principal — azure_client_id,
// azure_client_secret, azure_tenant_id of a ~/.databrickscfg profile, or
// ARM_CLIENT_ID / ARM_CLIENT_SECRET / ARM_TENANT_ID — gets two
// client-credentials tokens from the v1 endpoint, as the SDK asks them: one
// for Azure Databricks (the Bearer) and one for Azure management, sent in
// X-Databricks-Azure-SP-Management-Token so that a principal with
// Contributor on the workspace resource gets in (and is added) before it is
// a member. X-Databricks-Azure-Workspace-Resource-Id goes along when
// azure_workspace_resource_id is set.
const DatabricksAzureClientSecret = "azure-client-secret"

// azureManagementResource is the v1 resource of Azure management (the
// SDK's AzureServiceManagementEndpoint for the public cloud).
const azureManagementResource = "https://management.core.windows.net/"

func (s *Session) databricksAzureSP(ctx context.Context, cfg DatabricksConfig, o DatabricksOptions) (*Token, error) {
	for _, m := range []struct{ v, key, env string }{
		{cfg.AzureClientID, "azure_client_id", "ARM_CLIENT_ID"},
		{cfg.AzureClientSecret, "azure_client_secret", "ARM_CLIENT_SECRET"},
		{cfg.AzureTenantID, "azure_tenant_id", "ARM_TENANT_ID"},
	} {
		if m.v == "" {
			return nil, fmt.Errorf("databricks azure-client-secret: no %s: add it to the ~/.databrickscfg profile or set %s", m.key, m.env)
		}
	}
	s.learn(cfg.AzureClientSecret)
	id, tenant := cfg.AzureClientID, cfg.AzureTenantID
	source := "env ARM_CLIENT_SECRET"
	if s.env("ARM_CLIENT_SECRET") == "" && cfg.Profile != "" {
		source = "profile [" + cfg.Profile + "] of ~/.databrickscfg"
	}
	// The same cache slots as token(resource, {v1: true}) of this app.
	a := Account{Environment: s.cfg.Cloud.host(), Tenant: tenant, TenantID: tenant, ClientID: id,
		HomeAccountID: "app:" + strings.ToLower(id) + "." + strings.ToLower(tenant),
		Flow:          "databricks-" + DatabricksAzureClientSecret, Authority: s.cfg.Cloud.Authority(tenant), Source: source}
	cred := appCredential{clientID: id, secret: cfg.AzureClientSecret}
	get := func(resource string) (*Token, error) {
		return s.obtain(ctx, tokenJob{account: a, tenant: tenant, clientID: id, key: resource, resource: resource, fresh: o.Force,
			exchange: func(ctx context.Context) (*TokenResponse, error) {
				tr, err := cred.tokenV1(ctx, s, tenant, resource)
				var ee *EntraError
				if errors.As(err, &ee) {
					return nil, fmt.Errorf("databricks azure-client-secret: app %s could not get a token for %s: %w", id, resource, ee)
				}
				return tr, err
			}})
	}
	t, err := get(DatabricksResourceID)
	if err != nil {
		return nil, err
	}
	mgmt, err := get(azureManagementResource)
	if err != nil {
		return nil, err
	}
	t.Headers = map[string]string{"X-Databricks-Azure-SP-Management-Token": mgmt.AccessToken}
	if cfg.AzureResourceID != "" {
		t.Headers["X-Databricks-Azure-Workspace-Resource-Id"] = cfg.AzureResourceID
	}
	return t, nil
}
