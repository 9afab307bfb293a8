// Package testkey is the tests' RSA keys: two 2048-bit keys made once per
// test binary (generating one takes tens of milliseconds, with a long tail),
// self-signed certificates for them, and the reading of key and certificate
// files as PEM. Test code only; it imports nothing of azrepl, so tests on
// both sides of the emulator's wall may use it.
package testkey

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"os"
	"sync"
	"testing"
	"time"
)

var keys = sync.OnceValue(func() [2]*rsa.PrivateKey {
	var k [2]*rsa.PrivateKey
	for i := range k {
		var err error
		if k[i], err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	}
	return k
})

// RSA is the key a test's server trusts (or a test's client holds).
func RSA() *rsa.PrivateKey { return keys()[0] }

// OtherRSA is a second key, distinct from RSA: one nobody trusts.
func OtherRSA() *rsa.PrivateKey { return keys()[1] }

// SelfSigned is the DER of a certificate for key, named cn, signed by itself
// and valid for an hour either side of now.
func SelfSigned(t testing.TB, key *rsa.PrivateKey, cn string) []byte {
	t.Helper()
	now := time.Now()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(now.UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// ReadPEM is the text of the PEM files at paths, one after the other: an
// app's certificate and key as one PEM (as MSAL and azidentity take them),
// or one of them alone.
func ReadPEM(t testing.TB, paths ...string) []byte {
	t.Helper()
	var all []byte
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}
