package auth

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"time"
)

// ClientCertificate is an app's RSA key and certificate chain (leaf first).
type ClientCertificate struct {
	Key   *rsa.PrivateKey
	Chain []*x509.Certificate
}

// LoadCertificate reads PEM files holding, between them, one private key
// (PKCS#1 "RSA PRIVATE KEY" or PKCS#8 "PRIVATE KEY") and one or more
// certificates. The leaf is the certificate whose public key matches.
func LoadCertificate(paths ...string) (*ClientCertificate, error) {
	c := &ClientCertificate{}
	var certs []*x509.Certificate
	for _, p := range paths {
		data, err := readFile(context.Background(), p, maxPEMFile)
		if err != nil {
			return nil, fmt.Errorf("certificate: %w", err)
		}
		found := false
		for {
			var b *pem.Block
			b, data = pem.Decode(data)
			if b == nil {
				break
			}
			found = true
			switch b.Type {
			case "CERTIFICATE":
				cert, err := x509.ParseCertificate(b.Bytes)
				if err != nil {
					return nil, fmt.Errorf("certificate in %s: %v", p, err)
				}
				certs = append(certs, cert)
			case "RSA PRIVATE KEY":
				k, err := x509.ParsePKCS1PrivateKey(b.Bytes)
				if err != nil {
					return nil, fmt.Errorf("PKCS#1 key in %s: %v", p, err)
				}
				c.Key = k
			case "PRIVATE KEY":
				k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
				if err != nil {
					return nil, fmt.Errorf("PKCS#8 key in %s: %v", p, err)
				}
				rk, ok := k.(*rsa.PrivateKey)
				if !ok {
					return nil, fmt.Errorf("key in %s is %T: Entra certificate credentials need an RSA key", p, k)
				}
				c.Key = rk
			case "ENCRYPTED PRIVATE KEY":
				return nil, fmt.Errorf("key in %s is encrypted: decrypt it first (openssl pkey -in KEY -out PLAIN)", p)
			}
		}
		if !found {
			return nil, fmt.Errorf("%s holds no PEM block", p)
		}
	}
	if c.Key == nil {
		return nil, errors.New("no private key found in the PEM file(s)")
	}
	if len(certs) == 0 {
		return nil, errors.New("no certificate found in the PEM file(s)")
	}
	// Leaf first: the certificate matching the key.
	for i, cert := range certs {
		if pk, ok := cert.PublicKey.(*rsa.PublicKey); ok && pk.Equal(&c.Key.PublicKey) {
			c.Chain = append([]*x509.Certificate{cert}, append(certs[:i:i], certs[i+1:]...)...)
			return c, nil
		}
	}
	return nil, errors.New("no certificate in the PEM file(s) matches the private key")
}

// Assertion builds the signed client_assertion JWT (https://learn.microsoft.com/entra/identity-platform/certificate-credentials): alg
// RS256 or PS256, x5t#S256 and x5t thumbprints of the leaf, aud the token
// endpoint, iss = sub = client id, a fresh jti, exp 10 minutes after nbf.
func (c *ClientCertificate) Assertion(alg, tokenURL, clientID string, now time.Time) (string, error) {
	if alg == "" {
		alg = "PS256"
	}
	leaf := c.Chain[0].Raw
	s256 := sha256.Sum256(leaf)
	s1 := sha1.Sum(leaf)
	header := map[string]any{
		"alg":      alg,
		"typ":      "JWT",
		"x5t#S256": base64.RawURLEncoding.EncodeToString(s256[:]),
		"x5t":      base64.RawURLEncoding.EncodeToString(s1[:]),
	}
	claims := map[string]any{
		"aud": tokenURL, "iss": clientID, "sub": clientID, "jti": newGUID(),
		"nbf": now.Unix(), "iat": now.Unix(), "exp": now.Add(10 * time.Minute).Unix(),
	}
	hb, _ := json.Marshal(header)
	cb, _ := json.Marshal(claims)
	signing := base64.RawURLEncoding.EncodeToString(hb) + "." + base64.RawURLEncoding.EncodeToString(cb)
	digest := sha256.Sum256([]byte(signing))
	var sig []byte
	var err error
	switch alg {
	case "RS256":
		sig, err = rsa.SignPKCS1v15(rand.Reader, c.Key, crypto.SHA256, digest[:])
	case "PS256":
		sig, err = rsa.SignPSS(rand.Reader, c.Key, crypto.SHA256, digest[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	default:
		return "", fmt.Errorf("unsupported assertion algorithm %q: use RS256 or PS256", alg)
	}
	if err != nil {
		return "", fmt.Errorf("signing the client assertion: %w", err)
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}
