// Databricks OAuth user-to-machine: the databricks-cli public client, a browser sign-in with PKCE,
// redirect to http://localhost:8020; the refresh token is kept in azrepl's cache.
// Needs DATABRICKS_HOST (or a ~/.databrickscfg profile) and a browser (BROWSER).
const dbx = databricks({ flow: "u2m" });
const me = dbx.get("/api/2.0/preview/scim/v2/Me");
console.log(`u2m: signed in as ${me.get("userName")}`);
const t = dbx.token();
console.log(`token expires ${t.expiresOn.toISOString()} (scope ${t.scope})`);
const jobs = dbx.all("/api/2.1/jobs/list", { max: 50 });
console.log(`first ${jobs.length} jobs, e.g. ${jobs[0].settings.name}`);
