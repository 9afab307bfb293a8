// Package jws reads the parts of a compact JWS (RFC 7515 section 7.1), the
// form of every JWT azrepl meets, without verifying its signature: azrepl
// only reads tokens it was given; the resource server validates them.
package jws

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// Parts decodes the header and the payload of token from base64url (padded
// or not). Its errors never contain the token.
func Parts(token string) (header, payload []byte, err error) {
	parts := strings.Split(strings.TrimSpace(token), ".")
	if len(parts) != 3 {
		return nil, nil, fmt.Errorf("expected 3 dot-separated parts, got %d", len(parts))
	}
	if header, err = segment(parts[0]); err != nil {
		return nil, nil, fmt.Errorf("header: %w", err)
	}
	if payload, err = segment(parts[1]); err != nil {
		return nil, nil, fmt.Errorf("claims: %w", err)
	}
	return header, payload, nil
}

func segment(s string) ([]byte, error) {
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return nil, errors.New("invalid base64url")
	}
	return raw, nil
}
