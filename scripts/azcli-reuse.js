// Reuse the sign-in of an installed Azure CLI (`az login`): azrepl reads its MSAL cache
// ($AZURE_CONFIG_DIR or ~/.azure, read-only) and redeems the refresh token for any scope.
const acct = login({ flow: "azcli" });
console.log(`reusing az login of ${acct.username}`);
const t = token("https://graph.microsoft.com/.default");
console.log(`graph token for ${t.claims.upn}, expires ${t.expiresOn.toISOString()}`);
console.log(`me: ${graph.get("/v1.0/me").get("displayName")}`);
