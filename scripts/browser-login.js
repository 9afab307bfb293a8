// Interactive sign-in in a browser, as `az login` does without --use-device-code: authorization
// code + PKCE (S256) through a loopback listener on 127.0.0.1 (redirect_uri http://localhost:PORT),
// state and nonce checked, one code accepted. Needs a browser: $BROWSER, or a desktop's default.
const me = login({ flow: "browser" });
console.log(`signed in as ${me.username} (${me.flow})`);
const t = token("https://graph.microsoft.com/.default");
console.log(`graph token for ${t.claims.upn}, audience ${t.audience}`);
const exchanges = trace().filter((e) => e.url.includes("/oauth2/v2.0/token"));
console.log(`token requests: ${exchanges.length} (the code redeemed, then the refresh token for Graph)`);
