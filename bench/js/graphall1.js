// graph.all over the groups once, keeping every item (as the Python loop does).
// Prints {"ms": wall, "items": count, "unique": distinct ids}.
graph.get("/groups?$top=1");
const t = Date.now();
const items = graph.all("/groups?$top=999");
const ms = Date.now() - t;
console.log(JSON.stringify({ ms, items: items.length, unique: new Set(items.map((g) => g.id)).size }));
