package auth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/azrepl/azrepl/internal/jws"
)

// JWT is a decoded JSON Web Token. The signature is not verified: azrepl only
// reads tokens it was given, the resource server is the one that validates them.
type JWT struct {
	Header map[string]any
	Claims map[string]any
}

// DecodeJWT splits a compact JWS and decodes its header and claims.
// The error never contains the token itself.
func DecodeJWT(token string) (*JWT, error) {
	token = strings.TrimSpace(token)
	token = strings.TrimPrefix(token, "Bearer ")
	h, p, err := jws.Parts(token)
	if err != nil {
		return nil, fmt.Errorf("not a JWT: %w", err)
	}
	header, err := jsonObject(h)
	if err != nil {
		return nil, fmt.Errorf("not a JWT: header: %w", err)
	}
	claims, err := jsonObject(p)
	if err != nil {
		return nil, fmt.Errorf("not a JWT: claims: %w", err)
	}
	return &JWT{Header: header, Claims: claims}, nil
}

// jsonObject decodes a JSON object, numbers kept as json.Number.
func jsonObject(raw []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, errors.New("not a JSON object")
	}
	return m, nil
}

// StringClaim returns a string claim or "".
func (j *JWT) StringClaim(name string) string {
	s, _ := j.Claims[name].(string)
	return s
}

// UnixClaim returns a numeric date claim (exp, iat, nbf) as seconds, or 0.
func (j *JWT) UnixClaim(name string) int64 {
	switch v := j.Claims[name].(type) {
	case json.Number:
		n, err := v.Int64()
		if err != nil {
			f, _ := v.Float64()
			return int64(f)
		}
		return n
	case float64:
		return int64(v)
	}
	return 0
}
