// The seed's story (story.js) in today's JavaScript: async/await and fetch.
// fetch goes through azrepl's HTTP client: it picks the token from the URL's host, retries, and
// records a redacted trace, as http.* does. Step 2's mistake therefore has to be made on purpose.
// Run: azrepl --emulator run scripts/story-async.js

const graphGroups = "https://graph.microsoft.com/v1.0/groups";

// 1. Client secret flow: the app has no Graph permission.
login({ flow: "secret", tenant: env.AZURE_TENANT_ID, clientId: env.AZURE_CLIENT_ID, clientSecret: env.AZURE_CLIENT_SECRET });
const denied = await fetch(graphGroups);
const { error: e1 } = await denied.json();
console.log(`1. secret login → Graph ${denied.status} ${e1.code}: ${e1.message}`);

// 2. Device code flow, then the login's own (ARM) token sent to Graph by hand.
const me = login();
console.log(`2. signed in as ${me.username}`);
const armToken = token();
const wrong = await fetch(graphGroups, { headers: { Authorization: `Bearer ${armToken.token}` } });
const { error: e2 } = await wrong.json();
console.log(`   Graph with the ARM token → ${wrong.status} ${e2.code}: ${e2.message}`);

// 3. Without an Authorization header azrepl redeems the refresh token for Graph; ARM at the same time.
const url = new URL(graphGroups);
url.searchParams.set("$select", "displayName");
url.searchParams.set("$top", "5");
const [groups, subs] = await Promise.all([
  fetch(url).then((r) => r.json()),
  fetch("https://management.azure.com/subscriptions?api-version=2022-12-01").then((r) => r.json()),
]);
console.log(`3. first ${groups.value.length} groups: ${groups.value.map((g) => g.displayName).join(", ")}`);
console.log(`   and, concurrently, ${subs.value.length} subscription(s) from ARM`);
const claims = JSON.parse(base64url.decode(token("https://graph.microsoft.com/.default").token.split(".")[1]));
console.log(`   the Graph token's audience, decoded by hand: ${claims.aud}`);
