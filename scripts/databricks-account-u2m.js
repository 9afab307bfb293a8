// Databricks account console, you in a browser: the account's own OAuth server
// (https://accounts.azuredatabricks.net/oidc/accounts/{id}/v1/authorize), the databricks-cli public
// client with PKCE, redirect to http://localhost:8020; the refresh token is kept per account.
// Needs DATABRICKS_ACCOUNT_ID (or accountId) and a browser (BROWSER).
const id = env.DATABRICKS_ACCOUNT_ID;
const acct = databricks({ host: "accounts.azuredatabricks.net", flow: "u2m" });
const me = acct.get(`/api/2.0/accounts/${id}/scim/v2/Me`);
console.log(`account u2m: signed in as ${me.get("userName")}`);
const t = acct.token();
console.log(`token issuer is the account's: ${t.claims.iss.endsWith("/oidc/accounts/" + id)} (scope ${t.scope})`);
console.log(`workspaces in the account: ${acct.get(`/api/2.0/accounts/${id}/workspaces`).get("#")}`);
