// Databricks personal access tokens: databricks({flow: "pat", token}) or DATABRICKS_TOKEN (or a
// profile's token) — used as is, no exchange, never written to azrepl's cache. Here the service
// principal (m2m) creates a short-lived PAT, the PAT is used, then revoked.
const sp = databricks({ flow: "m2m" });
const created = sp.post("/api/2.0/token/create", { comment: "azrepl snippet", lifetime_seconds: 600 });
const id = created.get("token_info.token_id");
console.log(`PAT created: ${created.get("token_value").slice(0, 4)}… (the rest is a secret)`);
const pat = databricks({ flow: "pat", token: created.get("token_value") });
console.log(`with the PAT: ${pat.flow}, clusters listed: ${pat.get("/api/2.0/clusters/list").get("clusters.#")}`);
sp.post("/api/2.0/token/delete", { token_id: id });
try {
  pat.get("/api/2.0/clusters/list");
} catch (e) {
  console.log(`after revoking: HTTP ${e.status} ${e.code}`);
}
