// Package recordings is the ledger of real exchanges: one JSON file per
// exchange with Entra ID, Graph, ARM or Databricks found in a public source
// (SDK test recordings, issue threads quoting the service, Microsoft's
// docs), holding the request, the real status, the error fields and the
// headers clients read, and the source. Its test replays each against the
// emulator and compares them field by field; an exchange the emulator does
// not reproduce yet is marked "emulated": false and counted.
package recordings
