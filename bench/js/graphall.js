// Figure 4: graph.all over every group, ROUNDS times (args[1], default 3).
// Prints {"ms": median wall, "items": count, "unique": distinct ids}; the
// page count comes from the emulator's log.
const path = args[0] || "/groups?$top=999";
const rounds = Number(args[1] || 3);
graph.get("/groups?$top=1"); // token cached, connection open

const times = [];
let items = [];
for (let i = 0; i < rounds; i++) {
  const t = Date.now();
  items = graph.all(path);
  times.push(Date.now() - t);
}
const ms = times.sort((a, b) => a - b)[Math.floor(rounds / 2)];
const unique = new Set(items.map((g) => g.id)).size;
console.log(JSON.stringify({ ms, items: items.length, unique }));
