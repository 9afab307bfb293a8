package emulator

import (
	"crypto/rand"
	"crypto/rsa"
)

// rsaKeys are RSA keys being generated at once, one goroutine each. The
// emulator needs four 2048-bit keys (Entra's signer — real Entra signs
// with RS256 — the federation issuer, reader-app's certificate and the
// Databricks workspace); made one after the other they were most of its
// start, with a long tail (the prime search is random).
type rsaKeys chan keyResult

type keyResult struct {
	key *rsa.PrivateKey
	err error
}

func generateKeys(n int) rsaKeys {
	k := make(rsaKeys, n)
	for range n {
		go func() {
			key, err := rsa.GenerateKey(rand.Reader, 2048)
			k <- keyResult{key, err}
		}()
	}
	return k
}

// next waits for one of the keys; a nil rsaKeys generates one now.
func (k rsaKeys) next() (*rsa.PrivateKey, error) {
	if k == nil {
		return rsa.GenerateKey(rand.Reader, 2048)
	}
	r := <-k
	return r.key, r.err
}
