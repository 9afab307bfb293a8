package entra

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"math/big"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/wire"
	"github.com/golang-jwt/jwt/v5"
)

// signer holds the one RSA key that signs every Entra token; JWKS publishes it
// with its certificate, like Entra's keys endpoint.
type signer struct {
	key *rsa.PrivateKey
	der []byte // self-signed certificate of the key (x5c)
	kid string // base64url SHA-1 thumbprint, also used as x5t
}

func newSigner(key *rsa.PrivateKey) (*signer, error) {
	if key == nil {
		return nil, errors.New("entra: no signing key")
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: wire.RandomSerial(),
		Subject:      pkix.Name{CommonName: "accounts.accesscontrol.windows.net"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(365 * 24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	sum := sha1.Sum(der)
	return &signer{key: key, der: der, kid: base64.RawURLEncoding.EncodeToString(sum[:])}, nil
}

// sign makes an RS256 JWT. Access tokens carry x5t as well as kid (v1 shape).
func (s *signer) sign(claims jwt.MapClaims, withX5t bool) (string, error) {
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	t.Header["kid"] = s.kid
	if withX5t {
		t.Header["x5t"] = s.kid
	}
	return t.SignedString(s.key)
}

// jwks is the keys document.
func (s *signer) jwks(issuer string) map[string]any {
	pub := s.key.PublicKey
	return map[string]any{"keys": []map[string]any{{
		"kty":    "RSA",
		"use":    "sig",
		"kid":    s.kid,
		"x5t":    s.kid,
		"n":      base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e":      base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
		"x5c":    []string{base64.StdEncoding.EncodeToString(s.der)},
		"issuer": issuer,
	}}}
}
