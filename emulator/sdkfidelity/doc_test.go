// Package sdkfidelity runs the Databricks SDK for Go, unchanged, against the
// emulator through its CONNECT proxy and CA. The SDK is configured only as a
// user would configure it: environment variables (or a .databrickscfg), plus
// HTTPS_PROXY and SSL_CERT_FILE from the emulator's env file. Each
// authentication type signs in and calls the workspace (or the account).
package sdkfidelity_test
