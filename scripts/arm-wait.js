// A long-running ARM operation: deleting a resource group answers 202 Accepted with a
// Location to poll and Retry-After; arm.wait follows it until the group is gone.
// Run: azrepl --emulator run scripts/arm-wait.js
if (accounts().length === 0) login();
const sub = arm.all("/subscriptions?api-version=2022-12-01")[0].subscriptionId;
const rg = `/subscriptions/${sub}/resourcegroups/rg-snippet?api-version=2021-04-01`;

const created = arm.put(rg, { location: "westeurope", tags: { owner: "azrepl" } });
console.log(`PUT → ${created.status}: ${created.json.name} in ${created.json.location}, ${created.json.properties.provisioningState}`);

const del = arm.delete(rg);
console.log(`DELETE → ${del.status}, Retry-After ${del.headers["retry-after"]} s, Location …/operationresults/…: ${del.headers.location.includes("/operationresults/")}`);
console.log(`while it runs: ${arm.get(rg).json.properties.provisioningState}`);
const result = arm.wait(del, { timeout: 60000 });
console.log(`arm.wait → ${JSON.stringify(result)}`);

try {
  arm.get(rg);
} catch (e) {
  console.log(`GET afterwards → ${e.status} ${e.serviceCode}: ${e.serviceMessage}`);
}
try {
  arm.get(`/subscriptions/${sub}/resourcegroups?api-version=2099-01-01`);
} catch (e) {
  console.log(`an api-version ARM does not know → ${e.serviceCode}`);
}
