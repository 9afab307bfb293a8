// Databricks OAuth machine-to-machine: a service principal's client id and secret, HTTP Basic,
// scope all-apis, no refresh token (azrepl fetches a new token when it expires).
// Needs DATABRICKS_HOST, DATABRICKS_CLIENT_ID, DATABRICKS_CLIENT_SECRET (or a ~/.databrickscfg profile).
const dbx = databricks({ flow: "m2m" });
const me = dbx.get("/api/2.0/preview/scim/v2/Me");
console.log(`m2m: signed in as ${me.get("userName") || me.get("displayName")}`);
const clusters = dbx.get("/api/2.0/clusters/list").get("clusters.#.cluster_name");
console.log(`clusters: ${clusters.join(", ")}`);
const jobs = dbx.all("/api/2.1/jobs/list", { max: 1000 });
console.log(`jobs (all pages): ${jobs.length}`);
