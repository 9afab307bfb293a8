// Figure 5: Response.get(path) vs JSON.parse + JS traversal on one big body.
// args: URL of the body, displayName to find. Prints medians in ms.
const [url, name] = args;
const rounds = 3;
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const gets = [], parses = [];
let size = 0;
for (let i = 0; i < rounds; i++) {
  // A fresh response each time: .json is parsed once per response.
  const r1 = http.get(url, { auth: false });
  const r2 = http.get(url, { auth: false });
  size = r1.size;

  let t = Date.now();
  const a = r1.get(`value.#(displayName=="${name}").id`);
  gets.push(Date.now() - t);

  const text = r2.text;
  t = Date.now();
  const b = JSON.parse(text).value.find((g) => g.displayName === name).id;
  parses.push(Date.now() - t);

  if (a === undefined || a !== b) throw new Error(`answers differ: ${a} vs ${b}`);
}
console.log(JSON.stringify({ get: median(gets), parse: median(parses), bytes: size }));
