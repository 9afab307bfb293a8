// The seed's story (story.js), then what happened written as files people open elsewhere:
//   DIR/story-report.html  one self-contained page: the sequence diagram, every exchange, each token
//                          decoded (audience, scopes or roles, expiry), the errors with their hints
//   DIR/story.har          for a browser's developer tools (Network → Import HAR)
//   DIR/story.http         for VS Code's REST Client or JetBrains' HTTP client, secrets as {{variables}}
// Run: azrepl --emulator run scripts/story-report.js [DIR]   (default DIR: the working folder;
// like fs, exports stay in the script's folder tree and the working folder)
// The REPL's `.report FILE` writes the same page for the session so far.

require("azrepl/scripts/story");

const dir = args[0] || ".";
trace.report(`${dir}/story-report.html`);
trace.har(`${dir}/story.har`);
trace.http(`${dir}/story.http`);

// What the diagram shows: who talked, and the answers that went wrong.
const diagram = trace.diagram().split("\n");
console.log("diagram participants: " + diagram.filter((l) => l.includes("participant")).map((l) => l.split(" as ")[1]).join(", "));
for (const l of diagram.filter((l) => l.includes("--x"))) {
  console.log("failed: " + l.split(": ").slice(1).join(": "));
}
console.log("wrote story-report.html, story.har and story.http");
