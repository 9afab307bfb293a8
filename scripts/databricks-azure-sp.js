// Databricks with an Entra service principal, as the Databricks SDK's azure-client-secret: the
// azure_client_id / azure_client_secret / azure_tenant_id keys of a ~/.databrickscfg profile, or
// ARM_CLIENT_ID / ARM_CLIENT_SECRET / ARM_TENANT_ID (--emulator sets them to the story app).
// Two v1 client-credentials tokens: Azure Databricks (the Bearer) and Azure management, sent in
// X-Databricks-Azure-SP-Management-Token — it lets an app that manages the workspace resource in
// before it is a member. azure_workspace_resource_id adds X-Databricks-Azure-Workspace-Resource-Id.
const dbx = databricks({ flow: "azure-client-secret" });
const me = dbx.get("/api/2.0/preview/scim/v2/Me");
console.log(`azure-client-secret: signed in as ${me.get("applicationId") === env.ARM_CLIENT_ID ? "the app ARM_CLIENT_ID" : me.get("userName")}`);
const t = dbx.token();
console.log(`token: v1, resource ${t.resource} (Azure Databricks), from tenant ${t.claims.tid === env.ARM_TENANT_ID ? "ARM_TENANT_ID" : t.claims.tid}`);
console.log(`clusters: ${dbx.get("/api/2.0/clusters/list").get("clusters.#")}`);
