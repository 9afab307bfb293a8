// The password flow (az login -u -p): legacy automation only. azrepl asks Entra for the user's
// realm first (a federated domain's password is checked elsewhere), then sends the password once;
// later tokens come from the refresh token. Without a password it asks on the terminal without echo.
// --emulator sets AZURE_USERNAME / AZURE_PASSWORD to the seeded user.
const a = login({ flow: "password" });
console.log(`signed in as ${a.username} (${a.flow})`);
console.log(`me: ${graph.get("/v1.0/me").get("displayName")}`);
try {
  login({ flow: "password", username: a.username, password: "not-the-password" });
} catch (e) {
  console.log(`wrong password: ${e.message} [${e.code}, ${e.aadsts}]`);
}
