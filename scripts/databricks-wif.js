// Databricks workload identity federation (the Databricks SDK's file-oidc): an OIDC token from a
// file is exchanged (RFC 8693) at the workspace's /oidc/v1/token for a token of the service
// principal the workspace's federation policy names. The file is read again before every exchange,
// so a token file the platform rotates keeps working. env-oidc (DATABRICKS_OIDC_TOKEN) and
// github-oidc (GitHub Actions) work the same way.
// Needs DATABRICKS_HOST, DATABRICKS_CLIENT_ID, DATABRICKS_OIDC_TOKEN_FILEPATH (--emulator sets them).
const dbx = databricks({ flow: "file-oidc" });
const me = dbx.get("/api/2.0/preview/scim/v2/Me");
console.log(`file-oidc: signed in as ${me.get("userName") || me.get("displayName")}`);
const t = dbx.token();
console.log(`token: scope ${t.scope}, issued by ${t.claims.iss.replace(/^https:\/\/[^/]+/, "the workspace")}`);
const clusters = dbx.get("/api/2.0/clusters/list").get("clusters.#.cluster_name");
console.log(`clusters: ${clusters.join(", ")}`);
