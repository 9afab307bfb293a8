package entra

import (
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func (e *Server) client(id string) (*client, *entraError) {
	if id == "" {
		return nil, errMissingParam("client_id")
	}
	if fp := findFirstParty(id); fp != nil {
		return &client{id: fp.ID, name: fp.Name, public: true, family: fp.Family}, nil
	}
	if a := e.world.App(id); a != nil {
		return &client{id: a.ClientID, name: a.Name, app: a}, nil
	}
	return nil, errUnknownClient(id, e.world.DisplayName)
}

// requestClientID is the client of a token request: client_id in the body,
// else the user of HTTP Basic credentials (client_secret_basic, RFC 6749
// §2.3.1, where the body need not name the client).
func requestClientID(r *http.Request) string {
	if id := r.PostForm.Get("client_id"); id != "" {
		return id
	}
	user, _, _ := basicCredentials(r)
	return user
}

// basicCredentials are the Authorization header's Basic user and password,
// each form-decoded as RFC 6749 §2.3.1 has clients encode them (Go's
// x/oauth2 does; a secret with "+" or "%" would not match otherwise).
func basicCredentials(r *http.Request) (user, pass string, ok bool) {
	u, p, ok := r.BasicAuth()
	if !ok {
		return "", "", false
	}
	var err error
	if user, err = url.QueryUnescape(u); err != nil {
		user = u
	}
	if pass, err = url.QueryUnescape(p); err != nil {
		pass = p
	}
	return user, pass, true
}

const assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// authenticate checks the client credentials of a token request and returns
// the appidacr claim value: "0" public, "1" secret, "2" certificate.
func (e *Server) authenticate(r *http.Request, c *client, tokenURLs []string) (string, *entraError) {
	secret := r.PostForm.Get("client_secret")
	if user, pass, ok := basicCredentials(r); ok && secret == "" {
		if !strings.EqualFold(user, c.id) {
			return "", newEntraError(401, "invalid_client", 700016, "The client id in the Authorization header does not match the client_id parameter.")
		}
		secret = pass
	}
	assertion := r.PostForm.Get("client_assertion")
	if c.public {
		if secret != "" || assertion != "" {
			return "", newEntraError(400, "invalid_client", 700025,
				"Client is public so neither 'client_assertion' nor 'client_secret' should be presented.")
		}
		return "0", nil
	}
	switch {
	case assertion != "":
		if t := r.PostForm.Get("client_assertion_type"); t != assertionType {
			return "", newEntraError(400, "invalid_request", 90014,
				"The request body must contain the following parameter: 'client_assertion_type' with the value '%s'.", assertionType)
		}
		if isFederatedAssertion(assertion, c.id) {
			if err := e.checkFederated(c, assertion); err != nil {
				return "", err
			}
			return "2", nil
		}
		if err := e.checkAssertion(c, assertion, tokenURLs); err != nil {
			return "", err
		}
		return "2", nil
	case secret != "":
		if subtle.ConstantTimeCompare([]byte(secret), []byte(c.app.ClientSecret)) != 1 {
			return "", newEntraError(401, "invalid_client", 7000215,
				"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'.", c.id)
		}
		return "1", nil
	}
	if r.PostForm.Get("grant_type") == "client_credentials" {
		// Its own code for this grant (MicrosoftDocs/azure-docs#30777).
		return "", newEntraError(401, "invalid_client", 7000216,
			"'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.")
	}
	return "", newEntraError(401, "invalid_client", 7000218,
		"The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
}

// checkAssertion verifies a private_key_jwt assertion against the certificate
// registered for the app: thumbprint, signature, audience, issuer, lifetime.
func (e *Server) checkAssertion(c *client, assertion string, tokenURLs []string) *entraError {
	bad := func(reason string) *entraError {
		return newEntraError(401, "invalid_client", 700027, "Client assertion failed signature validation. [Reason - %s]", reason)
	}
	cert := e.certs[strings.ToLower(c.id)]
	if cert == nil {
		return bad("The key was not found., Thumbprint of key used by client: no certificate is registered for this application")
	}
	sha1Sum, sha256Sum := sha1.Sum(cert.Raw), sha256.Sum256(cert.Raw)
	var claims jwt.MapClaims
	tok, err := jwt.ParseWithClaims(assertion, &claims, func(t *jwt.Token) (any, error) {
		x5t, _ := t.Header["x5t"].(string)
		x5t256, _ := t.Header["x5t#S256"].(string)
		kid, _ := t.Header["kid"].(string)
		switch {
		case x5t == "" && x5t256 == "" && kid == "":
			return nil, errNoKeyID
		case thumbprintMatches(x5t256, sha256Sum[:]):
		case thumbprintMatches(x5t, sha1Sum[:]):
		case x5t == "" && x5t256 == "" && kidMatches(kid, sha1Sum[:]):
		default:
			return nil, errThumbprint
		}
		// A chain sent in x5c (SendCertificateChain) must start with the registered certificate.
		if x5c, present := t.Header["x5c"]; present {
			chain, _ := x5c.([]any)
			var first string
			if len(chain) > 0 {
				first, _ = chain[0].(string)
			}
			der, err := base64.StdEncoding.DecodeString(first)
			if first == "" || err != nil || subtle.ConstantTimeCompare(der, cert.Raw) != 1 {
				return nil, errThumbprint
			}
		}
		pub, ok := cert.PublicKey.(*rsa.PublicKey)
		if !ok {
			return nil, errThumbprint
		}
		return pub, nil
	}, jwt.WithValidMethods([]string{"RS256", "PS256"}), jwt.WithLeeway(5*time.Minute), jwt.WithTimeFunc(e.now))
	if err != nil || !tok.Valid {
		switch {
		case errors.Is(err, errNoKeyID):
			// The text of MSAL.NET's fixture for this answer
			// (AzureAD/microsoft-authentication-library-for-dotnet,
			// tests/Microsoft.Identity.Test.Common/Core/Mocks/MockHelpers.cs).
			return newEntraError(401, "invalid_client", 5002723,
				"Invalid JWT token. No certificate SHA-1 thumbprint, certificate SHA-256 thumbprint, nor keyId specified in token header.")
		case errors.Is(err, errThumbprint):
			return bad("The key was not found., Thumbprint of key used by client does not match the certificate registered for the application")
		case errors.Is(err, jwt.ErrTokenExpired), errors.Is(err, jwt.ErrTokenNotValidYet):
			return newEntraError(401, "invalid_client", 700024, "Client assertion is not within its valid time range.")
		}
		return bad("The signature of the client assertion could not be verified with the registered certificate")
	}
	if _, err := claims.GetExpirationTime(); err != nil || claims["exp"] == nil {
		return newEntraError(401, "invalid_client", 700024, "Client assertion is not within its valid time range: 'exp' is missing.")
	}
	if iss, _ := claims["iss"].(string); !strings.EqualFold(iss, c.id) {
		return newEntraError(401, "invalid_client", 700021, "Client assertion application identifier doesn't match 'client_id' parameter.")
	}
	if sub, _ := claims["sub"].(string); !strings.EqualFold(sub, c.id) {
		return newEntraError(401, "invalid_client", 700021, "Client assertion subject doesn't match 'client_id' parameter.")
	}
	aud, _ := claims.GetAudience()
	for _, a := range aud {
		for _, u := range tokenURLs {
			if strings.EqualFold(strings.TrimSuffix(a, "/"), u) {
				return nil
			}
		}
	}
	return newEntraError(401, "invalid_client", 700027,
		"Client assertion contains an invalid audience. The audience must be the token endpoint '%s'.", tokenURLs[0])
}

var (
	errThumbprint = errors.New("assertion thumbprint does not match the registered certificate")
	errNoKeyID    = errors.New("assertion names no certificate")
)

// kidMatches compares a kid header with the certificate's SHA-1 thumbprint:
// hex as Windows shows it (what several libraries send in kid), in either
// case, or base64 as in x5t.
func kidMatches(kid string, sha1Sum []byte) bool {
	if b, err := hex.DecodeString(kid); err == nil {
		return subtle.ConstantTimeCompare(b, sha1Sum) == 1
	}
	return thumbprintMatches(kid, sha1Sum)
}

// thumbprintMatches compares an x5t header with a certificate digest. The
// standard says base64url; MSAL Go sends standard base64 with padding, which
// Entra accepts as well.
func thumbprintMatches(header string, digest []byte) bool {
	if header == "" {
		return false
	}
	for _, enc := range []*base64.Encoding{base64.RawURLEncoding, base64.URLEncoding, base64.StdEncoding, base64.RawStdEncoding} {
		if b, err := enc.DecodeString(header); err == nil && subtle.ConstantTimeCompare(b, digest) == 1 {
			return true
		}
	}
	return false
}
