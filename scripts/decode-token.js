// decode-token.js — offline: decode a JWT and summarise who it is for, no network.
//   azrepl run scripts/decode-token.js [JWT]
// Without an argument it decodes a made-up, unsigned sample token.
// From the REPL or another snippet: require("azrepl/scripts/decode-token").describe(jwtString)

const SAMPLE =
  "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." +
  "eyJhdWQiOiJodHRwczovL2dyYXBoLm1pY3Jvc29mdC5jb20iLCJ0aWQiOiIwMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDAiLCJ1cG4iOiJhbGljZUBjb250b3NvLm9ubWljcm9zb2Z0LmNvbSIsInNjcCI6IlVzZXIuUmVhZCBHcm91cC5SZWFkLkFsbCIsImV4cCI6MTg5MzQ1NjAwMH0.";

function describe(token) {
  const t = jwt(token);
  return {
    audience: q(t, "claims.aud"),
    who: q(t, "claims.upn") || q(t, "claims.appid") || null,
    scopes: (q(t, "claims.scp") || "").split(" ").filter(Boolean),
    roles: q(t, "claims.roles") || [],
    expires: new Date(q(t, "claims.exp") * 1000).toISOString(),
  };
}

if (typeof module !== "undefined") {
  // required: export the helpers
  module.exports = { describe, SAMPLE };
} else {
  // run as a script
  console.log(JSON.stringify(describe(args[0] || SAMPLE), null, 2));
}
