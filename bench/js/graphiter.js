// graph.iter over the groups, counting (args[0] = max items, 0 = all).
// Prints {"ms": wall, "items": count}.
const max = Number(args[0] || 0);
graph.get("/groups?$top=1");
const t = Date.now();
let n = 0;
for (const g of graph.iter("/groups?$top=999", max ? { max } : undefined)) if (g.id) n++;
console.log(JSON.stringify({ ms: Date.now() - t, items: n }));
