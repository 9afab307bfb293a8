// Databricks at account level: the account console has its own OAuth server per account
// (https://accounts.azuredatabricks.net/oidc/accounts/{id}); "m2m" is a service principal,
// "u2m" you in a browser. The account comes from accountId or DATABRICKS_ACCOUNT_ID.
const acct = databricks({ host: "accounts.azuredatabricks.net", flow: "m2m" });
console.log(`account console: ${acct.host} (${acct.flow})`);
const id = env.DATABRICKS_ACCOUNT_ID;
const ws = acct.get(`/api/2.0/accounts/${id}/workspaces`);
console.log(`workspaces in the account: ${ws.get("#")}`);
console.log(`token issuer is the account's: ${acct.token().claims.iss.endsWith("/oidc/accounts/" + id)}`);
