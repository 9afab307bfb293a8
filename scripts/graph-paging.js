// Microsoft Graph: paging with @odata.nextLink, $count, and JSON batching.
// Run: azrepl --emulator run scripts/graph-paging.js [MAX]
if (accounts().length === 0) login();
const max = Number(args[0] || 1000);

// graph.all follows @odata.nextLink as an opaque URL until `max` items.
const groups = graph.all("/v1.0/groups?$top=999&$select=id,displayName", { max });
console.log(`groups fetched: ${groups.length}`);

// $count needs ConsistencyLevel: eventual; graph adds it for you.
const count = graph.get("/v1.0/groups/$count").text;
console.log(`groups in the directory ($count): ${count}`);

// $batch: 25 requests become two HTTP calls (20 per batch); answers come back in order.
const ids = groups.slice(0, 25).map((g) => g.id);
const answers = graph.batch(ids.map((id) => ({ method: "GET", url: `/groups/${id}?$select=displayName` })));
const ok = answers.filter((a) => a.status === 200).length;
console.log(`batch: ${answers.length} answers, ${ok} ok, first: ${answers[0].body.displayName}`);
