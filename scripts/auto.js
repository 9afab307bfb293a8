// login({flow: "auto"}): the credentials a workload may have, in azidentity's DefaultAzureCredential
// order — environment secret/certificate, workload identity, managed identity, az login, azrepl's
// cached account. The account says which one was used and why the earlier ones were passed over.
// (--emulator sets AZURE_CLIENT_SECRET, so the environment wins here.)
const a = login({ flow: "auto" });
console.log(`used: ${a.source}`);
console.log(`passed over: ${(a.skipped || []).length ? a.skipped.join("; ") : "nothing"}`);
const me = whoami();
console.log(`whoami: app ${me.clientId === env.AZURE_CLIENT_ID ? "$AZURE_CLIENT_ID" : me.clientId}, flow ${me.flow}`);
console.log(`ARM token for ${token("https://management.azure.com").audience}`);
