// Azure Resource Manager: what `az login` calls right after signing in.
// Run: azrepl --emulator run scripts/arm-subscriptions.js
if (accounts().length === 0) login();
const tenants = arm.all("/tenants?api-version=2022-12-01");
for (const t of tenants) console.log(`tenant ${t.tenantId} ${t.displayName || ""}`);
const subs = arm.all("/subscriptions?api-version=2022-12-01");
console.log(`subscriptions: ${subs.length}`);
for (const s of subs) console.log(`  ${s.subscriptionId}  ${s.displayName}  ${s.state}`);
try {
  arm.get("/subscriptions"); // no api-version: ARM refuses, azrepl explains
} catch (e) {
  console.log(`without api-version → ${e.code}: ${e.hint}`);
}
