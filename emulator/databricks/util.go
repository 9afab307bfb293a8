package databricks

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
)

func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	// As the real workspace sends them (databricks/databricks-sdk-go#917).
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Server", "databricks")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeAPIError is the REST envelope: {"error_code","message"}. code is a
// string, or a number for the authentication failures, as Databricks sends.
func writeAPIError(w http.ResponseWriter, status int, code any, message string) {
	writeJSON(w, status, map[string]any{"error_code": code, "message": message})
}

// writeOAuthError is the token endpoint's RFC 6749 §5.2 body.
func writeOAuthError(w http.ResponseWriter, status int, code, description string) {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, map[string]string{"error": code, "error_description": description})
}
