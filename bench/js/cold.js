// bench/cold-exchange: a token for a scope the cache does not hold (one
// refresh-token exchange). The scope turns with the clock between two the
// cache lacks after login (it holds ARM's): Entra (and the emulator) end
// more than 20 identical token requests a minute with AADSTS50196, and az,
// timed beside it with the same client id, asks for Key Vault.
const scopes = ["storage.azure.com", "graph.microsoft.com"];
console.log(String(token(`https://${scopes[Math.floor(Date.now() / 250) % 2]}/.default`)));
