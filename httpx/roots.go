package httpx

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"os"
	"slices"
	"sync"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// systemBundles are the distributions' CA bundles, in the order Go's
// crypto/x509 looks for them.
var systemBundles = []string{
	"/etc/ssl/certs/ca-certificates.crt",
	"/etc/pki/tls/certs/ca-bundle.crt",
	"/etc/ssl/ca-bundle.pem",
	"/etc/pki/tls/cacert.pem",
	"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
	"/etc/ssl/cert.pem",
}

// rootStore is what a process trusts: the certificates of $SSL_CERT_FILE (a
// proxy's or the emulator's CA) plus the distribution's bundle, since a user
// who points SSL_CERT_FILE at such a CA still expects the public cloud to
// verify. Go's own system pool reads the bundle and then every file of
// /etc/ssl/certs (the same certificates again), and with $SSL_CERT_FILE it
// reads that file instead of the bundle.
//
// Parsing a whole bundle costs ~3.3 ms and 1.2 MB before the first
// connection — in a fresh process ~300 newly touched pages, much of a cold
// token exchange — while a connection needs only the roots that issued its
// chain. So the files stay unread until a server's chain is verified; then
// they are scanned for the certificates whose subject is an issuer in that
// chain, and only those are parsed (and kept).
type rootStore struct {
	files []string       // SSL_CERT_FILE (when set), then the first bundle that exists
	pool  *x509.CertPool // without any bundle file: Go's system pool, used as is

	mu    sync.Mutex
	found map[string][]*x509.Certificate // issuer (raw DER name) → certificates with that subject

	allOnce sync.Once
	allPool *x509.CertPool // every certificate of files, for IP-address hosts
}

// systemRoots is built once per value of SSL_CERT_FILE (one in a real
// process; tests change it), without reading any certificate.
func systemRoots() *rootStore {
	file := os.Getenv("SSL_CERT_FILE")
	rootsMu.Lock()
	defer rootsMu.Unlock()
	if s, ok := roots[file]; ok {
		return s
	}
	s := newRootStore(file, systemBundles)
	roots[file] = s
	return s
}

// TrustedRootFiles are the PEM files whose certificates azrepl trusts:
// $SSL_CERT_FILE, then the distribution's bundle (none when Go's system pool
// is read from elsewhere). A program azrepl starts can be given the same.
func TrustedRootFiles() []string { return slices.Clone(systemRoots().files) }

var (
	rootsMu sync.Mutex
	roots   = map[string]*rootStore{}
)

func newRootStore(certFile string, bundles []string) *rootStore {
	s := &rootStore{found: map[string][]*x509.Certificate{}}
	if certFile != "" {
		s.files = append(s.files, certFile)
	}
	for _, b := range bundles {
		if b == certFile {
			return s // already there as SSL_CERT_FILE
		}
		if fi, err := os.Stat(b); err == nil && fi.Mode().IsRegular() {
			s.files = append(s.files, b)
			return s
		}
	}
	// No bundle file: Go's system pool (directories, other layouts).
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if certFile != "" {
		if extra, err := os.ReadFile(certFile); err == nil {
			pool.AppendCertsFromPEM(extra)
		}
	}
	s.pool = pool
	return s
}

// configure makes conf verify servers against the store.
func (s *rootStore) configure(conf *tls.Config) {
	if s.pool != nil {
		conf.RootCAs = s.pool
		return
	}
	// crypto/tls's standard verification, done in VerifyConnection so that
	// the roots are looked up once the chain is known (the pattern of
	// crypto/tls's documentation: InsecureSkipVerify hands the whole check
	// to VerifyConnection, which runs on every connection).
	conf.InsecureSkipVerify = true
	conf.VerifyConnection = s.verify
}

// verify is crypto/tls's client-side check of a server's chain: the leaf
// for the server name, the other certificates as intermediates.
func (s *rootStore) verify(cs tls.ConnectionState) error {
	chain := cs.PeerCertificates
	if len(chain) == 0 {
		return errors.New("tls: the server sent no certificate")
	}
	if cs.ServerName == "" {
		// Without a name Verify would accept any trusted certificate.
		return errors.New("tls: no server name to verify the certificate against")
	}
	opts := x509.VerifyOptions{DNSName: cs.ServerName, Roots: x509.NewCertPool(), Intermediates: x509.NewCertPool()}
	for _, c := range chain[1:] {
		opts.Intermediates.AddCert(c)
	}
	for _, r := range s.rootsFor(chain) {
		opts.Roots.AddCert(r)
	}
	if _, err := chain[0].Verify(opts); err != nil {
		return &tls.CertificateVerificationError{UnverifiedCertificates: chain, Err: err}
	}
	return nil
}

// all parses every certificate of the store's files into one pool (once):
// what crypto/tls needs to verify a server by itself.
func (s *rootStore) all() *x509.CertPool {
	s.allOnce.Do(func() {
		s.allPool = x509.NewCertPool()
		for _, f := range s.files {
			scanPEMCertificates(f, func(_, der []byte) {
				if c, err := x509.ParseCertificate(bytes.Clone(der)); err == nil {
					s.allPool.AddCert(c)
				}
			})
		}
	})
	return s.allPool
}

// rootsFor returns the trusted certificates whose subject issued a
// certificate of chain — every root a valid path through chain can end in —
// and those named as the leaf, which x509 accepts when trusted as such.
func (s *rootStore) rootsFor(chain []*x509.Certificate) []*x509.Certificate {
	names := []string{string(chain[0].RawSubject)}
	for _, c := range chain {
		names = append(names, string(c.RawIssuer))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var want []string
	for _, n := range names {
		if _, seen := s.found[n]; !seen && !slices.Contains(want, n) {
			want = append(want, n)
		}
	}
	if len(want) > 0 {
		for _, w := range want {
			s.found[w] = nil // looked up, also when no root matches
		}
		for _, f := range s.files {
			scanPEMCertificates(f, func(subject, der []byte) {
				if slices.ContainsFunc(want, func(w string) bool { return w == string(subject) }) { // no copy of subject
					if c, err := x509.ParseCertificate(bytes.Clone(der)); err == nil {
						s.found[string(subject)] = append(s.found[string(subject)], c)
					}
				}
			})
		}
	}
	var out []*x509.Certificate
	for _, n := range names {
		out = append(out, s.found[n]...)
	}
	return out
}

// scanPEMCertificates calls fn with the raw subject and DER of each
// CERTIFICATE block of the PEM file at path, reusing its buffers: a bundle
// of 150 certificates is read without allocating per certificate. Blocks
// that do not decode or parse are skipped, as x509.CertPool.AppendCertsFromPEM
// skips them. fn must not keep its arguments.
func scanPEMCertificates(path string, fn func(subject, der []byte)) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 32<<10), 1<<20)
	var (
		inBlock bool
		text    []byte
		der     = make([]byte, 0, 4<<10)
	)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		switch {
		case bytes.Equal(line, beginCertificate):
			inBlock, text = true, text[:0]
		case !inBlock:
		case bytes.Equal(line, endCertificate):
			inBlock = false
			n := base64.StdEncoding.DecodedLen(len(text))
			if cap(der) < n {
				der = make([]byte, n)
			}
			n, err := base64.StdEncoding.Decode(der[:n], text)
			if err != nil {
				continue
			}
			if subject, ok := certificateSubject(der[:n]); ok {
				fn(subject, der[:n])
			}
		case bytes.IndexByte(line, ':') >= 0:
			// a PEM header ("Proc-Type: …"); base64 has no colon
		default:
			text = append(text, line...)
		}
	}
}

var (
	beginCertificate = []byte("-----BEGIN " + pemCertificate + "-----")
	endCertificate   = []byte("-----END " + pemCertificate + "-----")
)

const pemCertificate = "CERTIFICATE"

// certificateSubject returns the subject Name of a DER certificate, tag and
// length included (what x509.Certificate.RawSubject and RawIssuer hold),
// walking only the fields before it.
func certificateSubject(der []byte) ([]byte, bool) {
	in := cryptobyte.String(der)
	var cert, tbs, subject cryptobyte.String
	if !in.ReadASN1(&cert, asn1.SEQUENCE) || !cert.ReadASN1(&tbs, asn1.SEQUENCE) ||
		!tbs.SkipOptionalASN1(asn1.Tag(0).Constructed().ContextSpecific()) || // version
		!tbs.SkipASN1(asn1.INTEGER) || // serialNumber
		!tbs.SkipASN1(asn1.SEQUENCE) || // signature algorithm
		!tbs.SkipASN1(asn1.SEQUENCE) || // issuer
		!tbs.SkipASN1(asn1.SEQUENCE) || // validity
		!tbs.ReadASN1Element(&subject, asn1.SEQUENCE) {
		return nil, false
	}
	return subject, true
}
