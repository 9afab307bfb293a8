package auth

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/internal/testkey"
)

// verifyAssertion checks an assertion as Entra would: signature with the
// certificate's key, thumbprint, audience, issuer and subject, lifetime.
func verifyAssertion(t *testing.T, assertion string, cert []byte, pub *rsa.PublicKey, alg, aud, clientID string) {
	t.Helper()
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		t.Fatalf("assertion has %d parts", len(parts))
	}
	j, err := DecodeJWT(assertion)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(cert)
	if j.Header["alg"] != alg || j.Header["x5t#S256"] != base64.RawURLEncoding.EncodeToString(sum[:]) || j.Header["x5t"] == "" {
		t.Fatalf("header: %v", j.Header)
	}
	if j.StringClaim("aud") != aud || j.StringClaim("iss") != clientID || j.StringClaim("sub") != clientID || len(j.StringClaim("jti")) != 36 {
		t.Fatalf("claims: %v", j.Claims)
	}
	if life := j.UnixClaim("exp") - j.UnixClaim("nbf"); life != 600 {
		t.Fatalf("lifetime %d s", life)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		t.Fatal(err)
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if alg == "RS256" {
		err = rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig)
	} else {
		err = rsa.VerifyPSS(pub, crypto.SHA256, digest[:], sig, nil)
	}
	if err != nil {
		t.Fatalf("%s signature does not verify: %v", alg, err)
	}
}

func TestLoadCertificateShapes(t *testing.T) {
	dir := t.TempDir()
	key, caKey := testkey.RSA(), testkey.OtherRSA()
	der, caDER := testkey.SelfSigned(t, key, "app"), testkey.SelfSigned(t, caKey, "some CA")
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	p8, _ := x509.MarshalPKCS8PrivateKey(key)
	pkcs8 := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8})
	write := func(name string, parts ...[]byte) string {
		p := filepath.Join(dir, name)
		var all []byte
		for _, b := range parts {
			all = append(all, b...)
		}
		if err := os.WriteFile(p, all, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := map[string][]string{
		"one file, PKCS#8, chain with the CA first": {write("a.pem", caPEM, pkcs8, certPEM)},
		"one file, PKCS#1":                          {write("b.pem", pkcs1, certPEM)},
		"key and cert in two files":                 {write("c.key", pkcs8), write("c.pem", certPEM, caPEM)},
	}
	for name, paths := range cases {
		c, err := LoadCertificate(paths...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if string(c.Chain[0].Raw) != string(der) {
			t.Fatalf("%s: leaf is not first", name)
		}
		for _, alg := range []string{"RS256", "PS256"} {
			a, err := c.Assertion(alg, "https://login.test/t/oauth2/v2.0/token", "client-1", time.Now())
			if err != nil {
				t.Fatal(err)
			}
			verifyAssertion(t, a, der, &key.PublicKey, alg, "https://login.test/t/oauth2/v2.0/token", "client-1")
		}
	}
	if _, err := LoadCertificate(write("d.pem", certPEM)); err == nil || !strings.Contains(err.Error(), "no private key") {
		t.Fatalf("cert only: %v", err)
	}
	mismatch := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(caKey)})
	if _, err := LoadCertificate(write("e.pem", mismatch, certPEM)); err == nil || !strings.Contains(err.Error(), "matches") {
		t.Fatalf("mismatch: %v", err)
	}
}

func TestCertificateLoginSendsAssertion(t *testing.T) {
	dir := t.TempDir()
	key := testkey.RSA()
	der := testkey.SelfSigned(t, key, "app")
	p8, _ := x509.MarshalPKCS8PrivateKey(key)
	path := filepath.Join(dir, "app.pem")
	_ = os.WriteFile(path, append(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8}),
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...), 0o600)
	fe := newFakeEntra(t)
	fe.setToken(func(w http.ResponseWriter, tenant string, f url.Values) {
		if f.Get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" || f.Get("client_secret") != "" {
			writeJSON(w, 400, entraErrorBody("invalid_request", 7000218, "The request body must contain client_assertion or client_secret."))
			return
		}
		verifyAssertion(t, f.Get("client_assertion"), der, &key.PublicKey, "PS256", fe.cloud().TokenURL(tenant), "app-2")
		writeJSON(w, 200, map[string]any{"token_type": "Bearer", "expires_in": "3599",
			"access_token": fakeJWT(t, map[string]any{"aud": "https://management.core.windows.net/", "tid": testTID, "oid": "sp"})})
	})
	s := newTestSession(t, fe, map[string]string{"AZURE_CLIENT_CERTIFICATE_PATH": path})
	a, err := s.Login(context.Background(), LoginOptions{Flow: FlowCertificate, Tenant: testTID, ClientID: "app-2"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Flow != FlowCertificate || a.ObjectID != "sp" {
		t.Fatalf("%+v", a)
	}
	tok, err := s.Token(context.Background(), "", TokenOptions{})
	if err != nil || !tok.FromCache || tok.Audience != "https://management.core.windows.net/" {
		t.Fatalf("token: %+v %v", tok, err)
	}
}
