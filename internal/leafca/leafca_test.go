package leafca

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

func newCA(t *testing.T, name string) *CA {
	t.Helper()
	ca, err := New(Config{Name: name, Organization: "azrepl tests", Lifetime: 2 * time.Hour, Backdate: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	return ca
}

func TestTheCAIsARootThatSignsOnlyLeaves(t *testing.T) {
	before := time.Now()
	ca := newCA(t, "test CA")
	c := ca.Certificate()
	if !c.IsCA || !c.BasicConstraintsValid || c.MaxPathLen != 0 || !c.MaxPathLenZero || c.KeyUsage&x509.KeyUsageCertSign == 0 {
		t.Errorf("CA: IsCA %v, path length %d (zero %v), usage %b", c.IsCA, c.MaxPathLen, c.MaxPathLenZero, c.KeyUsage)
	}
	if c.Subject.CommonName != "test CA" || len(c.Subject.Organization) != 1 || c.Subject.Organization[0] != "azrepl tests" {
		t.Errorf("subject %v", c.Subject)
	}
	if err := c.CheckSignatureFrom(c); err != nil {
		t.Errorf("not self-signed: %v", err)
	}
	if k, ok := c.PublicKey.(*ecdsa.PublicKey); !ok || k.Curve != elliptic.P256() {
		t.Errorf("CA key %T, want ECDSA P-256", c.PublicKey)
	}
	if c.NotBefore.After(before.Add(-5*time.Minute+time.Second)) || c.NotAfter.Before(before.Add(2*time.Hour-time.Second)) || c.NotAfter.After(time.Now().Add(2*time.Hour)) {
		t.Errorf("valid %v to %v, want from 5 minutes ago for 2 hours", c.NotBefore, c.NotAfter)
	}
	b, rest := pem.Decode(ca.PEM())
	if b == nil || b.Type != "CERTIFICATE" || !bytes.Equal(b.Bytes, c.Raw) || len(bytes.TrimSpace(rest)) != 0 {
		t.Error("PEM is not the CA's certificate alone")
	}
	if _, err := c.Verify(x509.VerifyOptions{Roots: ca.Pool()}); err != nil {
		t.Errorf("the CA does not verify against its own pool: %v", err)
	}
}

func TestLeavesVerifyForTheirNameOnly(t *testing.T) {
	ca, other := newCA(t, "test CA"), newCA(t, "another CA")
	for _, tc := range []struct {
		ask, verifyAs string
		ip            bool
	}{
		{ask: "Graph.Microsoft.COM.", verifyAs: "graph.microsoft.com"},
		{ask: "adb-1.11.azuredatabricks.net", verifyAs: "adb-1.11.azuredatabricks.net"},
		{ask: "127.0.0.1", verifyAs: "127.0.0.1", ip: true},
		{ask: "::1", verifyAs: "::1", ip: true},
		{ask: "127.0.0.1", verifyAs: "localhost", ip: true},
		{ask: "", verifyAs: "127.0.0.1", ip: true},
	} {
		c, err := ca.Leaf(tc.ask)
		if err != nil {
			t.Fatalf("%q: %v", tc.ask, err)
		}
		if len(c.Certificate) != 1 {
			t.Errorf("%q: a chain of %d certificates, want the leaf alone", tc.ask, len(c.Certificate))
		}
		leaf, err := x509.ParseCertificate(c.Certificate[0])
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(c.Leaf.Raw, leaf.Raw) {
			t.Errorf("%q: the parsed Leaf is not the certificate sent", tc.ask)
		}
		opts := x509.VerifyOptions{DNSName: tc.verifyAs, Roots: ca.Pool(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
		if _, err := leaf.Verify(opts); err != nil {
			t.Errorf("%q does not verify as %s: %v", tc.ask, tc.verifyAs, err)
		}
		if tc.ip != (len(leaf.IPAddresses) == 1) {
			t.Errorf("%q: IP addresses %v", tc.ask, leaf.IPAddresses)
		}
		opts.DNSName = "login.microsoftonline.com"
		if _, err := leaf.Verify(opts); err == nil {
			t.Errorf("%q verifies for another host", tc.ask)
		}
		opts.DNSName, opts.Roots = tc.verifyAs, other.Pool()
		if _, err := leaf.Verify(opts); err == nil {
			t.Errorf("%q verifies against another CA", tc.ask)
		}
		if leaf.NotBefore.Before(ca.Certificate().NotBefore) || leaf.NotAfter.After(ca.Certificate().NotAfter) {
			t.Errorf("%q outlives its CA", tc.ask)
		}
		if leaf.IsCA {
			t.Errorf("%q is a CA", tc.ask)
		}
	}
}

func TestLeavesAreMintedOncePerName(t *testing.T) {
	ca := newCA(t, "test CA")
	var wg sync.WaitGroup
	got := make([]*tls.Certificate, 16)
	for i := range got {
		name := "graph.microsoft.com"
		if i%2 == 1 {
			name = "GRAPH.microsoft.com."
		}
		wg.Go(func() {
			c, err := ca.Leaf(name)
			if err != nil {
				t.Error(err)
			}
			got[i] = c
		})
	}
	wg.Wait()
	for _, c := range got[1:] {
		if c != got[0] {
			t.Fatal("one name got two certificates")
		}
	}
	other, err := ca.Leaf("management.azure.com")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(other.Certificate[0], got[0].Certificate[0]) {
		t.Error("two names got one certificate")
	}
}

// A TLS client that trusts the CA completes a handshake with a server that
// serves GetCertificate, for the name it asked; one that does not trust it
// refuses.
func TestHandshake(t *testing.T) {
	ca := newCA(t, "test CA")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				tc := tls.Server(c, &tls.Config{GetCertificate: ca.GetCertificate})
				_, _ = io.WriteString(tc, "hello")
				_ = tc.Close()
			}()
		}
	}()
	dial := func(name string, roots *x509.CertPool) (string, error) {
		c, err := tls.Dial("tcp", ln.Addr().String(), &tls.Config{ServerName: name, RootCAs: roots})
		if err != nil {
			return "", err
		}
		defer c.Close()
		b, err := io.ReadAll(c)
		return c.ConnectionState().PeerCertificates[0].Subject.CommonName + " " + string(b), err
	}
	if got, err := dial("login.microsoftonline.com", ca.Pool()); err != nil || got != "login.microsoftonline.com hello" {
		t.Errorf("trusting client: %q, %v", got, err)
	}
	if _, err := dial("login.microsoftonline.com", newCA(t, "another CA").Pool()); err == nil {
		t.Error("a client trusting another CA completed the handshake")
	}
}
