// Workload identity federation: the app signs in with an assertion its platform issues
// (a Kubernetes projected token in AZURE_FEDERATED_TOKEN_FILE, GitHub Actions' or Azure
// Pipelines' OIDC token), no secret. azrepl reads the assertion again before every exchange,
// so a long session outlives each short-lived assertion. --emulator points the variables at
// the emulator's issuer, whose assertion file is rewritten in place.
const a = login({ flow: "workload-identity" });
console.log(`signed in as app ${a.clientId} (${a.flow})`);
console.log(`credential: ${a.source.replace(/ [^ ]*federated-token/, " DIR/federated-token")}`);
for (const r of ["https://management.azure.com", "https://graph.microsoft.com"]) {
  const t = token(r, { force: true }); // a new exchange, with the assertion read again
  console.log(`${t.audience}: idtyp ${t.claims.idtyp}, appid ${t.claims.appid === a.clientId ? "the app" : t.claims.appid}`);
}
