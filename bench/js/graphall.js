// Figure 4: graph.all over every group. Prints {"ms": wall, "items": count,
// "unique": distinct ids}; the page count comes from the emulator's log.
const path = args[0] || "/groups?$top=999";
graph.get("/groups?$top=1"); // token cached, connection open

const t = Date.now();
const items = graph.all(path);
const ms = Date.now() - t;

const unique = new Set(items.map((g) => g.id)).size;
console.log(JSON.stringify({ ms, items: items.length, unique }));
