// On-behalf-of: a web API, signed in as its app (secret or certificate), trades the token a user
// sent it for a token to a downstream API as that user. --emulator provides the seeded API app
// (AZREPL_EMULATOR_API_CLIENT_ID / _SECRET) and the user (AZURE_USERNAME / AZURE_PASSWORD).
const api = env.AZREPL_EMULATOR_API_CLIENT_ID;
// The user's side: a token for the API (the Azure CLI is pre-authorized for it).
login({ flow: "password" });
const fromUser = token(`api://${api}/access_as_user`);
console.log(`user token for ${fromUser.audience === "api://" + api ? "the API" : fromUser.audience}: scp ${fromUser.claims.scp}`);
// The API's side.
login({ flow: "secret", clientId: api, clientSecret: env.AZREPL_EMULATOR_API_CLIENT_SECRET });
const down = token("https://graph.microsoft.com/User.Read", { onBehalfOf: String(fromUser) });
console.log(`downstream: ${down.audience} as ${down.claims.upn}, scp ${down.claims.scp}, via app ${down.claims.appid === api ? "the API" : down.claims.appid}`);
