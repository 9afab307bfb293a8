// bench/cold-exchange: a token for a scope the cache does not hold (one refresh-token exchange).
console.log(String(token("https://vault.azure.net/.default")));
