// Figure 3: 100 Graph requests with http.batch vs the same one by one.
// Prints {"batch": ms, "serial": ms}.
const url = "https://graph.microsoft.com/v1.0/me";
const n = Number(args[0] || 100);
const check = (r) => { if (!r.ok) throw new Error(`${r.url}: HTTP ${r.status}`); };
check(http.get(url)); // token cached and connection open for both runs

let t = Date.now();
http.batch(Array(n).fill(url)).forEach(check);
const batch = Date.now() - t;

t = Date.now();
for (let i = 0; i < n; i++) check(http.get(url));
const serial = Date.now() - t;

console.log(JSON.stringify({ batch, serial, n }));
