// The story azrepl was started for, end to end:
//   1. an app's client secret gives a token, but Graph answers 403: the app has no Graph permission;
//   2. a device-code login as `az login` does gives an ARM token: Graph answers 401 "Invalid audience";
//   3. the refresh token redeemed for the Graph scope gives a Graph token: /v1.0/groups works.
// Run: azrepl run scripts/story.js            (needs AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET)
//      azrepl --emulator run scripts/story.js (the emulator provides all three)

// 1. Client secret flow.
login({ flow: "secret", tenant: env.AZURE_TENANT_ID, clientId: env.AZURE_CLIENT_ID, clientSecret: env.AZURE_CLIENT_SECRET });
try {
  graph.get("/v1.0/groups");
  console.log("1. unexpected: the app could list groups");
} catch (e) {
  console.log(`1. secret login → Graph ${e.status} ${e.serviceCode} (${e.code}): ${e.serviceMessage}`);
  console.log(`   why: ${e.hint}`);
}

// 2. Device code flow, exactly what `az login --use-device-code` sends.
const me = login();
console.log(`2. signed in as ${me.username} (tenant ${me.tenantId})`);
const armToken = token(); // the login's own scope: Azure Resource Manager
console.log(`   token audience: ${armToken.audience}`);
try {
  // What the seed's author first did: the login's own token, sent to Graph.
  graph.get("/v1.0/groups", { auth: false, headers: { Authorization: `Bearer ${armToken.token}` } });
  console.log("   unexpected: Graph accepted an ARM token");
} catch (e) {
  console.log(`   Graph with the ARM token → ${e.status} ${e.serviceCode}: ${e.serviceMessage}`);
  console.log(`   why: ${e.hint}`);
}

// 3. The refresh token redeemed for Graph: `az account get-access-token --scope https://graph.microsoft.com/.default`.
const g = token("https://graph.microsoft.com/.default");
console.log(`3. Graph token audience: ${g.audience}`);
const groups = graph.all("/v1.0/groups?$select=id,displayName", { max: 5 });
console.log(`   first ${groups.length} groups: ${groups.map((x) => x.displayName).join(", ")}`);
