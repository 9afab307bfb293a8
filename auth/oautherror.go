package auth

// ParseOAuthError reads an OAuth error answer (Entra's or Databricks'
// /oidc) from a status and body, as the flows do; false when the body is
// not one. The trace exports use it to show an error with its hint.
func ParseOAuthError(status int, body []byte) (*EntraError, bool) {
	return parseOAuthError(status, body)
}
