package entra

import (
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

const jwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer"

// onBehalfOfGrant exchanges a user's access token for the calling API app
// (assertion, aud = the API) for a token to a downstream resource, as that
// user. The API must be configured for the downstream permissions
// (requiredPermissions) and the user (or an admin) must have consented.
func (e *Server) onBehalfOfGrant(g grant) (map[string]any, *entraError) {
	f := g.r.PostForm
	if f.Get("requested_token_use") != "on_behalf_of" {
		return nil, newEntraError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'requested_token_use'.")
	}
	if g.client.public {
		return nil, newEntraError(401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
	}
	assertion := f.Get("assertion")
	if assertion == "" {
		return nil, errMissingParam("assertion")
	}
	if f.Get("scope") == "" {
		return nil, errMissingParam("scope")
	}
	var claims jwt.MapClaims
	_, err := jwt.ParseWithClaims(assertion, &claims, func(*jwt.Token) (any, error) { return &e.signer.key.PublicKey, nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(e.now), jwt.WithExpirationRequired())
	if err != nil {
		if strings.Contains(err.Error(), "expired") {
			return nil, newEntraError(400, "invalid_grant", 500133,
				"Assertion is not within its valid time range. Ensure that the access token is not expired before using it for user assertion, or request a new token.")
		}
		return nil, newEntraError(400, "invalid_grant", 50013, "Assertion failed signature validation. [Reason - The key was not found.]")
	}
	aud, _ := claims.GetAudience()
	mine := false
	for _, a := range aud {
		if r := e.lookupResource(a); r != nil && r.app != nil && strings.EqualFold(r.app.ClientID, g.client.id) {
			mine = true
		}
	}
	if !mine {
		return nil, newEntraError(400, "invalid_grant", 50013,
			"Assertion failed signature validation. [Reason - The provided assertion audience does not match the application '%s'.]", g.client.id)
	}
	oid, _ := claims["oid"].(string)
	for i := range e.world.Users {
		if e.world.Users[i].ObjectID == oid {
			g.user = &e.world.Users[i]
		}
	}
	if g.user == nil {
		return nil, newEntraError(400, "invalid_grant", 50034, "The user account does not exist in the directory.")
	}
	var serr *entraError
	if g.scopes, serr = e.userScopes(f.Get("scope"), ""); serr != nil {
		return nil, serr
	}
	g.clientInfo = true
	if amr, ok := claims["amr"].([]any); ok {
		for _, m := range amr {
			g.mfa = g.mfa || m == "mfa"
		}
	}
	return e.userTokenResponse(g, g.scopes.reserved["offline_access"])
}
