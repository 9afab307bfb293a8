package httpx

import (
	"encoding/json"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/azrepl/azrepl/internal/jws"
)

// TokenClaims are the readable claims of one JWT that crossed the wire in
// an exchange. The trace masks the token itself; its audience, scopes,
// roles and expiry are what a reader of an export needs, and they are not
// credentials without the signature.
type TokenClaims struct {
	Where  string         // "request Authorization", "request client_assertion", "response access_token"…
	Claims map[string]any // only the claims in publicClaims
}

// publicClaims are kept; everything else (nonces, unknown claims) is dropped.
var publicClaims = map[string]bool{
	"aud": true, "iss": true, "iat": true, "nbf": true, "exp": true, "scp": true, "roles": true,
	"tid": true, "oid": true, "sub": true, "upn": true, "preferred_username": true, "unique_name": true,
	"name": true, "appid": true, "azp": true, "appidacr": true, "azpacr": true, "idtyp": true, "ver": true,
	"amr": true, "acr": true, "xms_cc": true, "wids": true, "email": true, "client_id": true, "scope": true,
}

// traceTokens finds the JWTs of an exchange (the bearer token sent, JWTs in
// the request form and in the JSON members of the answer) and keeps their
// public claims.
func traceTokens(authorization, reqContentType string, reqBody, respBody []byte) []TokenClaims {
	var out []TokenClaims
	add := func(where, tok string) {
		if c, ok := publicClaimsOf(tok); ok {
			out = append(out, TokenClaims{Where: where, Claims: c})
		}
	}
	if scheme, tok, ok := cutScheme(authorization); ok && strings.EqualFold(scheme, "Bearer") {
		add("request Authorization", tok)
	}
	if isForm(reqContentType) && len(reqBody) > 0 && strings.Contains(string(reqBody), "eyJ") {
		if q, err := url.ParseQuery(string(reqBody)); err == nil {
			for _, k := range slices.Sorted(maps.Keys(q)) {
				for _, v := range q[k] {
					add("request "+k, v)
				}
			}
		}
	}
	if len(respBody) > 0 && strings.Contains(string(respBody), "eyJ") {
		var m map[string]any
		if json.Unmarshal(respBody, &m) == nil {
			for _, k := range []string{"access_token", "id_token"} {
				if s, ok := m[k].(string); ok {
					add("response "+k, s)
				}
			}
		}
	}
	return out
}

// publicClaimsOf decodes a JWS's payload; a JWE or anything else gives false.
func publicClaimsOf(tok string) (map[string]any, bool) {
	if !strings.HasPrefix(strings.TrimSpace(tok), "eyJ") {
		return nil, false
	}
	_, raw, err := jws.Parts(tok)
	if err != nil {
		return nil, false
	}
	var all map[string]any
	if json.Unmarshal(raw, &all) != nil {
		return nil, false
	}
	out := map[string]any{}
	for k, v := range all {
		if publicClaims[k] {
			out[k] = v
		}
	}
	return out, len(out) > 0
}
