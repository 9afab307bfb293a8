package entra

import (
	"crypto/rsa"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/wire"
	"github.com/azrepl/azrepl/emulator/world"
	"github.com/golang-jwt/jwt/v5"
)

// Workload identity federation: the emulator runs an OIDC issuer (as a
// Kubernetes cluster or GitHub Actions would), and Entra accepts that
// issuer's assertions for apps whose federatedCredentials match issuer,
// subject and audience. The issuer is Config.FederationIssuer, its key
// Config.FederationKey.

// federationIssuer serves the issuer's discovery document and keys.
type federationIssuer struct{ e *Server }

// FederationHandler serves the issuer's discovery document and keys under
// the issuer's path.
func (e *Server) FederationHandler() http.Handler { return federationIssuer{e} }

func (f federationIssuer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch strings.TrimPrefix(r.URL.Path, f.e.issuerPath) {
	case "/.well-known/openid-configuration":
		wire.JSON(w, 200, map[string]any{
			"issuer":                                f.e.issuer,
			"jwks_uri":                              f.e.issuer + "/keys",
			"response_types_supported":              []string{"id_token"},
			"subject_types_supported":               []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256"},
		})
	case "/keys", "/.well-known/jwks":
		wire.JSON(w, 200, f.e.federation.jwks(f.e.issuer))
	default:
		wire.JSON(w, 404, map[string]any{"error": "not_found", "error_description": "The issuer serves /.well-known/openid-configuration and /keys."})
	}
}

// FederatedToken is an assertion from the emulator's issuer, as a workload
// would get from its platform (a projected service-account token).
func (e *Server) FederatedToken(subject, audience string, lifetime time.Duration) (string, error) {
	now := e.now()
	return e.federation.sign(jwt.MapClaims{
		"iss": e.issuer, "sub": subject, "aud": []string{audience},
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(lifetime).Unix(), "jti": wire.RandomGUID(),
	}, false)
}

// FederationIssuer is the URL of the emulator's OIDC issuer.
func (e *Server) FederationIssuer() string { return e.issuer }

// FederationKey verifies the issuer's assertions.
func (e *Server) FederationKey() *rsa.PublicKey { return &e.federation.key.PublicKey }

// isFederatedAssertion tells a workload assertion (issuer is not the client)
// from a certificate assertion (iss == sub == client_id).
func isFederatedAssertion(assertion, clientID string) bool {
	var claims jwt.MapClaims
	if _, _, err := jwt.NewParser().ParseUnverified(assertion, &claims); err != nil {
		return false
	}
	iss, _ := claims["iss"].(string)
	return iss != "" && !strings.EqualFold(iss, clientID)
}

// checkFederated matches a workload assertion against the app's federated
// credentials (Entra's 700211 issuer, 700213 subject, 700212 audience), then
// checks signature and lifetime with the issuer's key.
func (e *Server) checkFederated(c *client, assertion string) *entraError {
	var claims jwt.MapClaims
	if _, _, err := jwt.NewParser().ParseUnverified(assertion, &claims); err != nil {
		return newEntraError(400, "invalid_request", 50027, "JWT token is invalid or malformed.")
	}
	iss, _ := claims["iss"].(string)
	sub, _ := claims["sub"].(string)
	aud, _ := claims.GetAudience()
	var byIssuer []world.FederatedCredential
	for _, fc := range c.app.FederatedCredentials {
		if fc.Issuer == iss {
			byIssuer = append(byIssuer, fc)
		}
	}
	if len(byIssuer) == 0 {
		return newEntraError(400, "invalid_client", 700211,
			"No matching federated identity record found for presented assertion issuer '%s'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation", iss)
	}
	var bySubject []world.FederatedCredential
	for _, fc := range byIssuer {
		if fc.Subject == sub {
			bySubject = append(bySubject, fc)
		}
	}
	if len(bySubject) == 0 {
		return newEntraError(400, "invalid_client", 700213,
			"No matching federated identity record found for presented assertion subject '%s'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation", sub)
	}
	matched := false
	for _, fc := range bySubject {
		for _, want := range fc.Audiences {
			for _, a := range aud {
				matched = matched || strings.EqualFold(a, want)
			}
		}
	}
	if !matched {
		return newEntraError(400, "invalid_client", 700212,
			"No matching federated identity record found for presented assertion audience '%s'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation", strings.Join(aud, ","))
	}
	if iss != e.issuer {
		// A registered issuer other than the emulator's: its keys are out of reach (no network).
		return newEntraError(400, "invalid_client", 50166, "Request to External OIDC endpoint failed: the issuer '%s' is not reachable from the emulator.", iss)
	}
	_, err := jwt.Parse(assertion, func(*jwt.Token) (any, error) { return &e.federation.key.PublicKey, nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(e.now), jwt.WithExpirationRequired())
	switch {
	case errors.Is(err, jwt.ErrTokenExpired), errors.Is(err, jwt.ErrTokenNotValidYet):
		exp, _ := claims.GetExpirationTime()
		nbf, _ := claims.GetNotBefore()
		return newEntraError(400, "invalid_client", 700024,
			"Client assertion is not within its valid time range. Current time: %s, assertion valid from %s, expiry time of assertion %s. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .",
			e.now().UTC().Format("2006-01-02T15:04:05.0000000Z"), fmtNumericDate(nbf), fmtNumericDate(exp))
	case err != nil:
		return newEntraError(400, "invalid_client", 700027, "Client assertion failed signature validation.")
	}
	return nil
}

func fmtNumericDate(d *jwt.NumericDate) string {
	if d == nil {
		return "(not set)"
	}
	return d.UTC().Format("2006-01-02T15:04:05.0000000Z")
}
