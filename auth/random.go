package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
)

// randomURLSafe returns n random bytes, base64url without padding.
func randomURLSafe(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// pkce is an RFC 7636 verifier and its S256 challenge.
type pkce struct{ verifier, challenge string }

func newPKCE() pkce {
	v := randomURLSafe(64) // 86 characters, inside RFC 7636's 43..128
	sum := sha256.Sum256([]byte(v))
	return pkce{verifier: v, challenge: base64.RawURLEncoding.EncodeToString(sum[:])}
}

// newNonce is a hex SHA-256 of random bytes, the shape MSAL Python sends.
func newNonce() string {
	sum := sha256.Sum256([]byte(randomURLSafe(32)))
	return hex.EncodeToString(sum[:])
}

// newGUID is a random (version 4) UUID, for jti.
func newGUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
