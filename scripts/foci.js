// Family of Client IDs: a refresh token issued to the Azure CLI redeemed as Azure PowerShell,
// another member of "family 1", without a new sign-in.
if (accounts().length === 0) login();
const cli = token("https://graph.microsoft.com/.default");
const ps = token("https://graph.microsoft.com/.default", { clientId: "1950a258-227b-4e31-a9cf-717495945fc2" });
console.log(`Azure CLI token: appid ${cli.claims.appid}`);
console.log(`Azure PowerShell token: appid ${ps.claims.appid} (same user: ${cli.claims.oid === ps.claims.oid})`);
