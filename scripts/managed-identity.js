// Managed identity: the Azure host hands out tokens for the identity the code runs as.
// azrepl finds the endpoint as azidentity does: App Service (IDENTITY_ENDPOINT + IDENTITY_HEADER,
// which --emulator sets), Cloud Shell (MSI_ENDPOINT), Azure Arc, or an IMDS host named by
// AZURE_POD_IDENTITY_AUTHORITY_HOST. No secret in the script, none in the cache.
const a = login({ flow: "managed-identity" });
console.log(`signed in as ${a.flow} ${a.clientId}`);
console.log(`credential: ${a.source.replace(/127\.0\.0\.1:\d+/, "127.0.0.1:PORT")}`);
// The resource form, as az account get-access-token --resource does.
const t = token("https://storage.azure.com");
console.log(`token for ${t.audience}: idtyp ${t.claims.idtyp}, resource id ${t.claims.xms_mirid.split("/").pop()}`);
console.log(`ARM scope asked: ${token("https://management.core.windows.net/").scope}`);
