// Azure Databricks with a Microsoft Entra ID token: the resource 2ff814a6-3304-4ab8-85cb-cd0e6f879c1d,
// redeemed from the current login's refresh token (as `az account get-access-token --resource 2ff814a6-...`).
// Needs DATABRICKS_HOST and a login.
if (accounts().length === 0) login();
const dbx = databricks({ flow: "azure" });
const t = dbx.token();
console.log(`entra token for Databricks: aud ${t.audience}`);
const me = dbx.get("/api/2.0/preview/scim/v2/Me");
console.log(`azure: signed in as ${me.get("userName")}`);
console.log(`clusters: ${dbx.get("/api/2.0/clusters/list").get("clusters.#").valueOf()}`);
