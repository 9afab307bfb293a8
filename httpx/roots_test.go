package httpx

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The store reads SSL_CERT_FILE and one bundle (the first that exists),
// never the certificate directory; SSL_CERT_FILE adds to the bundle.
func TestRootStoreFiles(t *testing.T) {
	dir := t.TempDir()
	a, b, c := selfSigned(t, "a"), selfSigned(t, "b"), selfSigned(t, "c")
	caFile, bundle, second := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "bundle.pem"), filepath.Join(dir, "second.pem")
	writePEM(t, caFile, a.cert.Raw)
	writePEM(t, bundle, b.cert.Raw)
	writePEM(t, second, c.cert.Raw)

	s := newRootStore(caFile, []string{filepath.Join(dir, "missing.pem"), bundle, second})
	if !s.trusts(a.cert) || !s.trusts(b.cert) || s.trusts(c.cert) {
		t.Fatalf("SSL_CERT_FILE + first bundle: trusts a %v, b %v, c %v", s.trusts(a.cert), s.trusts(b.cert), s.trusts(c.cert))
	}
	only := newRootStore("", []string{bundle, second})
	if only.trusts(a.cert) || !only.trusts(b.cert) || only.trusts(c.cert) {
		t.Fatal("without SSL_CERT_FILE the store is not just the first bundle")
	}
}

// A store verifies every server exactly as crypto/tls does with a pool of
// the same files: the same connections succeed, the same fail with the
// same x509 error, over real TLS.
func TestRootStoreVerifiesAsCryptoTLS(t *testing.T) {
	dir := t.TempDir()
	root, other, extraRoot := selfSigned(t, "Root"), selfSigned(t, "Other Root"), selfSigned(t, "Proxy CA")
	inter := issue(t, root, "Intermediate", true, nil, time.Hour)
	bundle := filepath.Join(dir, "bundle.pem")
	certFile := filepath.Join(dir, "proxy.pem")
	// trusted as itself: its issuer is in no file
	directLeaf := issue(t, selfSigned(t, "Pinned CA"), "pinned", false, []string{"localhost"}, time.Hour)
	// the bundle: noise, the roots, a pinned leaf, a broken block
	text := "# comment\n" + pemText(other.cert.Raw) + pemText(root.cert.Raw) + pemText(directLeaf.cert.Raw) +
		"-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n"
	if err := os.WriteFile(bundle, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	writePEM(t, certFile, extraRoot.cert.Raw)
	pool := x509.NewCertPool()
	for _, f := range []string{certFile, bundle} {
		b, _ := os.ReadFile(f)
		pool.AppendCertsFromPEM(b)
	}
	store := newRootStore(certFile, []string{bundle})

	cases := []struct {
		name  string
		chain []*issued
		host  string
		fails error // the x509 error type, nil when the connection is trusted
	}{
		{"leaf+intermediate, root in the bundle", []*issued{issue(t, inter, "svc", false, []string{"localhost"}, time.Hour), inter}, "localhost", nil},
		{"leaf of the SSL_CERT_FILE CA", []*issued{issue(t, extraRoot, "proxied", false, []string{"localhost"}, time.Hour)}, "localhost", nil},
		{"leaf trusted as itself", []*issued{directLeaf}, "localhost", nil},
		{"another name", []*issued{issue(t, inter, "svc", false, []string{"localhost"}, time.Hour), inter}, "login.microsoftonline.com", x509.HostnameError{}},
		{"unknown root", []*issued{issue(t, selfSigned(t, "Root"), "evil", false, []string{"localhost"}, time.Hour)}, "localhost", x509.UnknownAuthorityError{}},
		{"intermediate missing", []*issued{issue(t, inter, "svc", false, []string{"localhost"}, time.Hour)}, "localhost", x509.UnknownAuthorityError{}},
		{"expired leaf", []*issued{issue(t, inter, "old", false, []string{"localhost"}, -time.Minute), inter}, "localhost", x509.CertificateInvalidError{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			addr := serveChain(t, tc.chain)
			standard := dialErr(addr, &tls.Config{RootCAs: pool, ServerName: tc.host})
			conf := &tls.Config{ServerName: tc.host}
			store.configure(conf)
			ours := dialErr(addr, conf)
			if (standard == nil) != (tc.fails == nil) {
				t.Fatalf("crypto/tls itself: %v", standard)
			}
			if (ours == nil) != (standard == nil) {
				t.Fatalf("store: %v; crypto/tls: %v", ours, standard)
			}
			if ours == nil {
				return
			}
			var cve *tls.CertificateVerificationError
			if !errors.As(ours, &cve) {
				t.Fatalf("store error %T %v, not a tls.CertificateVerificationError", ours, ours)
			}
			if ok := sameX509Error(cve.Err, tc.fails); !ok {
				t.Fatalf("store: %v; want a %T like crypto/tls: %v", cve.Err, tc.fails, standard)
			}
		})
	}
}

// Without a server name there is nothing to check the leaf against: the
// store refuses rather than accept any trusted certificate.
func TestRootStoreNeedsServerName(t *testing.T) {
	root := selfSigned(t, "Root")
	dir := t.TempDir()
	writePEM(t, filepath.Join(dir, "b.pem"), root.cert.Raw)
	store := newRootStore("", []string{filepath.Join(dir, "b.pem")})
	leaf := issue(t, root, "svc", false, []string{"localhost"}, time.Hour)
	err := store.verify(tls.ConnectionState{PeerCertificates: []*x509.Certificate{leaf.cert}})
	if err == nil || !strings.Contains(err.Error(), "no server name") {
		t.Fatalf("verify without a server name: %v", err)
	}
}

// The scanner sees every certificate of the system bundle that
// AppendCertsFromPEM would add, with the subject x509 parses.
func TestScanSystemBundle(t *testing.T) {
	var path string
	for _, b := range systemBundles {
		if _, err := os.Stat(b); err == nil {
			path = b
			break
		}
	}
	if path == "" {
		t.Skip("no system bundle on this machine")
	}
	text, _ := os.ReadFile(path)
	var want []string
	for rest := text; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if c, err := x509.ParseCertificate(block.Bytes); err == nil && block.Type == "CERTIFICATE" {
			want = append(want, string(c.RawSubject))
		}
	}
	var got []string
	scanPEMCertificates(path, func(subject, der []byte) {
		if _, err := x509.ParseCertificate(der); err == nil {
			got = append(got, string(subject))
		}
	})
	if len(want) == 0 || strings.Join(got, "\x00") != strings.Join(want, "\x00") {
		t.Fatalf("scanned %d subjects, pem+x509 %d (or they differ)", len(got), len(want))
	}
}

// A fresh store's first connection: the roots of one chain looked up in
// the system bundle, beside BenchmarkLoadRoots (the whole bundle parsed).
func BenchmarkRootLookup(b *testing.B) {
	leaf := lastBundleCert(b)
	for b.Loop() {
		s := newRootStore("", systemBundles)
		if len(s.rootsFor([]*x509.Certificate{leaf})) == 0 {
			b.Fatal("the root was not found")
		}
	}
}

// BenchmarkLoadRoots is the baseline: what a process paid before the
// store, parsing the whole bundle into a pool.
func BenchmarkLoadRoots(b *testing.B) {
	path := lastBundlePath(b)
	for b.Loop() {
		text, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		if !x509.NewCertPool().AppendCertsFromPEM(text) {
			b.Fatal("no certificate")
		}
	}
}

func lastBundlePath(b *testing.B) string {
	for _, p := range systemBundles {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	b.Skip("no system bundle")
	return ""
}

// lastBundleCert is the bundle's last certificate: a lookup scans it all.
func lastBundleCert(b *testing.B) *x509.Certificate {
	text, _ := os.ReadFile(lastBundlePath(b))
	var last *x509.Certificate
	for rest := text; ; {
		var block *pem.Block
		if block, rest = pem.Decode(rest); block == nil {
			break
		}
		if c, err := x509.ParseCertificate(block.Bytes); err == nil {
			last = c
		}
	}
	if last == nil {
		b.Skip("no certificate in the bundle")
	}
	return last
}

func (s *rootStore) trusts(cert *x509.Certificate) bool {
	roots := x509.NewCertPool()
	for _, r := range s.rootsFor([]*x509.Certificate{cert}) {
		roots.AddCert(r)
	}
	_, err := cert.Verify(x509.VerifyOptions{Roots: roots})
	return err == nil
}

type issued struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func selfSigned(t *testing.T, name string) *issued {
	t.Helper()
	return issue(t, nil, name, true, nil, time.Hour)
}

// issue makes a certificate for name signed by parent (self-signed when
// nil), valid from an hour ago for life (negative: already expired).
func issue(t *testing.T, parent *issued, name string, ca bool, dns []string, life time.Duration) *issued {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: name}, DNSNames: dns,
		NotBefore: time.Now().Add(-2 * time.Hour), NotAfter: time.Now().Add(life),
		IsCA: ca, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	if ca {
		tmpl.KeyUsage, tmpl.ExtKeyUsage = x509.KeyUsageCertSign, nil
	}
	signer, signerKey := tmpl, key
	if parent != nil {
		signer, signerKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, &key.PublicKey, signerKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &issued{cert, key}
}

// serveChain starts a TLS server on 127.0.0.1 that presents chain.
func serveChain(t *testing.T, chain []*issued) string {
	t.Helper()
	cert := tls.Certificate{PrivateKey: chain[0].key}
	for _, c := range chain {
		cert.Certificate = append(cert.Certificate, c.cert.Raw)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are the point
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}

func dialErr(addr string, conf *tls.Config) error {
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp", addr, conf)
	if err == nil {
		conn.Close()
	}
	return err
}

func sameX509Error(err, want error) bool {
	switch want.(type) {
	case x509.HostnameError:
		var e x509.HostnameError
		return errors.As(err, &e)
	case x509.UnknownAuthorityError:
		var e x509.UnknownAuthorityError
		return errors.As(err, &e)
	case x509.CertificateInvalidError:
		var e x509.CertificateInvalidError
		return errors.As(err, &e)
	}
	return false
}

func pemText(der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func writePEM(t *testing.T, path string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, []byte(pemText(der)), 0o600); err != nil {
		t.Fatal(err)
	}
}
