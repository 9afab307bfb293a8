package databricks

import (
	"crypto/rsa"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/bearer"
	"github.com/golang-jwt/jwt/v5"
)

const (
	tokenExchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange"
	jwtTokenType       = "urn:ietf:params:oauth:token-type:jwt"
)

// exchangeToken is the RFC 8693 grant: an OIDC token from a trusted issuer
// for a Databricks token of the policy's principal. The token lives no longer
// than the subject token does.
func (s *server) exchangeToken(w http.ResponseWriter, r *http.Request, st site) {
	f := r.PostForm
	subject := f.Get("subject_token")
	switch {
	case subject == "":
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "Missing subject_token")
		return
	case f.Get("subject_token_type") != jwtTokenType:
		writeOAuthError(w, http.StatusBadRequest, "invalid_request",
			"subject_token_type must be "+jwtTokenType)
		return
	}
	scopes, unknown := parseScopes(f.Get("scope"))
	if unknown != "" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_scope", "Invalid scope: "+unknown)
		return
	}
	clientID, _, _ := clientCredentialsFrom(r)
	claims, exp, err := s.verifySubjectToken(subject)
	if err != nil {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_request", "Token exchange failed: "+err.Error())
		return
	}
	iss, sub := bearer.String(claims, "iss"), bearer.String(claims, "sub")
	aud, _ := claims.GetAudience()
	var principal string
	for _, p := range s.cfg.Federation {
		if p.Issuer != iss || !s.federationAudience(p, st, aud) {
			continue
		}
		if p.ServicePrincipal != "" {
			if strings.EqualFold(clientID, p.ServicePrincipal) && sub == p.Subject && s.servicePrincipal(clientID) != nil {
				principal = s.servicePrincipal(clientID).ApplicationID
				break
			}
			continue
		}
		if clientID == "" && (p.Subject == "" || p.Subject == sub) && s.user(sub) != nil {
			principal = s.user(sub).UserName
			break
		}
	}
	if principal == "" {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_request",
			"Token exchange failed: no federation policy matches the token (issuer "+iss+", subject "+sub+")")
		return
	}
	exp = minTime(exp, s.cfg.Now().Add(s.cfg.TokenLifetime))
	at, err := s.mintAccessToken(st, principal, principal, scopes, exp)
	if err != nil {
		writeOAuthError(w, http.StatusInternalServerError, "server_error", "Could not sign the token")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"access_token": at, "token_type": "Bearer",
		"issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
		"expires_in":        int(exp.Sub(s.cfg.Now()).Seconds()), "scope": strings.Join(scopes, " ")})
}

// verifySubjectToken checks the subject token's signature with its issuer's
// key and its lifetime; the message never contains the token.
func (s *server) verifySubjectToken(raw string) (jwt.MapClaims, time.Time, error) {
	unverified := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(raw, unverified); err != nil {
		return nil, time.Time{}, errors.New("the subject token is not a JWT")
	}
	claims := jwt.MapClaims{}
	_, err := jwt.NewParser(jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(s.cfg.Now), jwt.WithExpirationRequired()).
		ParseWithClaims(raw, claims, func(t *jwt.Token) (any, error) {
			kid, _ := t.Header["kid"].(string)
			var key *rsa.PublicKey
			if s.cfg.IssuerKey != nil {
				key = s.cfg.IssuerKey(bearer.String(unverified, "iss"), kid)
			}
			if key == nil {
				return nil, errors.New("untrusted issuer")
			}
			return key, nil
		})
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return nil, time.Time{}, errors.New("the subject token has expired")
	case err != nil:
		return nil, time.Time{}, errors.New("the subject token's signature cannot be verified with its issuer's keys")
	}
	exp, _ := claims.GetExpirationTime()
	return claims, exp.Time, nil
}

func (s *server) federationAudience(p FederationPolicy, st site, aud []string) bool {
	want := p.Audiences
	if len(want) == 0 {
		want = []string{s.cfg.AccountID, "https://" + s.cfg.Host + "/oidc/v1/token"}
		if st.prefix != "/oidc" {
			want = []string{s.cfg.AccountID}
		}
	}
	for _, a := range aud {
		for _, w := range want {
			if w != "" && a == w {
				return true
			}
		}
	}
	return false
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
