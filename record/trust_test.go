package record

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/internal/leafca"
)

// rootsFile writes a PEM file the way distributions and users make them:
// comments, CRLF lines, blocks that are not certificates, a broken block.
func rootsFile(t *testing.T) (path string, want [][]byte) {
	t.Helper()
	var certs []*leafca.CA
	for _, n := range []string{"root A", "root B", "root C"} {
		a, err := testCA(n)
		if err != nil {
			t.Fatal(err)
		}
		certs = append(certs, a)
	}
	var f bytes.Buffer
	f.WriteString("# a distribution's comment\n")
	f.Write(certs[0].PEM())
	f.WriteString("-----BEGIN TRUSTED CERTIFICATE-----\nMIIBoz\n-----END TRUSTED CERTIFICATE-----\n")
	f.Write(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("not for the bundle")}))
	f.WriteString(strings.ReplaceAll(string(certs[1].PEM()), "\n", "\r\n"))
	f.WriteString("-----BEGIN CERTIFICATE-----\nMIIBtruncated\n") // no END of its own
	f.Write(certs[2].PEM())
	path = filepath.Join(t.TempDir(), "roots.pem")
	if err := os.WriteFile(path, f.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range certs {
		want = append(want, c.Certificate().Raw)
	}
	return path, want
}

func TestTrustFilesHoldTheCAAndEveryRootCertificate(t *testing.T) {
	roots, want := rootsFile(t)
	ca, err := newAuthority()
	if err != nil {
		t.Fatal(err)
	}
	want = append([][]byte{ca.Certificate().Raw}, want...)
	tf, err := writeTrust(t.TempDir(), ca, []string{filepath.Join(t.TempDir(), "missing.pem"), roots})
	if err != nil {
		t.Fatal(err)
	}

	bundle, err := os.ReadFile(tf.Bundle)
	if err != nil {
		t.Fatal(err)
	}
	var got [][]byte
	for rest := bundle; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			if len(bytes.TrimSpace(rest)) != 0 {
				t.Errorf("the bundle ends with text that is no PEM block: %q", rest)
			}
			break
		}
		if b.Type != "CERTIFICATE" {
			t.Errorf("the bundle holds a %s block", b.Type)
		}
		if _, err := x509.ParseCertificate(b.Bytes); err != nil {
			t.Errorf("the bundle holds a certificate that does not parse: %v", err)
		}
		got = append(got, b.Bytes)
	}
	if !slices.EqualFunc(got, want, bytes.Equal) {
		t.Errorf("the bundle holds %d certificates, want the run's CA and the 3 roots in order", len(got))
	}
	if pool := x509.NewCertPool(); !pool.AppendCertsFromPEM(bundle) {
		t.Error("crypto/x509 reads no certificate from the bundle")
	}

	store, err := os.ReadFile(tf.Java)
	if err != nil {
		t.Fatal(err)
	}
	bags := readTrustStore(t, store)
	if !slices.EqualFunc(bags, want, bytes.Equal) {
		t.Errorf("the trust store holds %d certificates, want the bundle's %d in order", len(bags), len(want))
	}
}

// readTrustStore decodes a store from trustStore with encoding/asn1, checking
// each layer's types and each bag's attributes, and returns the certificates.
func readTrustStore(t *testing.T, der []byte) [][]byte {
	t.Helper()
	type contentInfo struct {
		Type    asn1.ObjectIdentifier
		Content []byte `asn1:"explicit,tag:0"`
	}
	type attribute struct {
		ID     asn1.ObjectIdentifier
		Values asn1.RawValue `asn1:"set"`
	}
	type safeBag struct {
		ID    asn1.ObjectIdentifier
		Value struct {
			ID   asn1.ObjectIdentifier
			Cert []byte `asn1:"explicit,tag:0"`
		} `asn1:"explicit,tag:0"`
		Attributes []attribute `asn1:"set"`
	}
	var pfx struct {
		Version  int
		AuthSafe contentInfo
	}
	must := func(rest []byte, err error) {
		t.Helper()
		if err != nil || len(rest) != 0 {
			t.Fatalf("not DER of the expected shape: %v (%d bytes left)", err, len(rest))
		}
	}
	must(asn1.Unmarshal(der, &pfx))
	if pfx.Version != 3 || !pfx.AuthSafe.Type.Equal(oidData) {
		t.Fatalf("PFX version %d, content %v", pfx.Version, pfx.AuthSafe.Type)
	}
	var infos []contentInfo
	must(asn1.Unmarshal(pfx.AuthSafe.Content, &infos))
	if len(infos) != 1 || !infos[0].Type.Equal(oidData) {
		t.Fatalf("authenticated safe: %d content infos", len(infos))
	}
	var bags []safeBag
	must(asn1.Unmarshal(infos[0].Content, &bags))
	var out [][]byte
	for i, b := range bags {
		if !b.ID.Equal(oidCertBag) || !b.Value.ID.Equal(oidX509Certificate) || len(b.Attributes) != 2 {
			t.Fatalf("bag %d: %v %v, %d attributes", i, b.ID, b.Value.ID, len(b.Attributes))
		}
		usage, name := b.Attributes[0], b.Attributes[1]
		var purpose asn1.ObjectIdentifier
		must(asn1.Unmarshal(usage.Values.Bytes, &purpose))
		if !usage.ID.Equal(oidJavaTrustedKeyUsage) || !purpose.Equal(oidAnyExtendedKeyUsage) {
			t.Errorf("bag %d: first attribute %v %v, want the JDK's trusted key usage, any purpose", i, usage.ID, purpose)
		}
		var alias asn1.RawValue
		must(asn1.Unmarshal(name.Values.Bytes, &alias))
		if !name.ID.Equal(oidFriendlyName) || alias.Tag != 30 || !bytes.Equal(alias.Bytes, bmpString("azrepl-record-"+strconv.Itoa(i))) {
			t.Errorf("bag %d: second attribute %v, tag %d, %q", i, name.ID, alias.Tag, alias.Bytes)
		}
		if bytes.Compare(usage.Values.FullBytes, name.Values.FullBytes) > 0 {
			t.Errorf("bag %d: attributes out of DER's SET OF order", i)
		}
		out = append(out, b.Value.Cert)
	}
	return out
}

// The JDK's keytool lists the store as trusted certificate entries.
func TestKeytoolReadsTheTrustStore(t *testing.T) {
	keytool, err := exec.LookPath("keytool")
	if err != nil {
		t.Skip("keytool is not installed")
	}
	roots, want := rootsFile(t)
	ca, err := newAuthority()
	if err != nil {
		t.Fatal(err)
	}
	tf, err := writeTrust(t.TempDir(), ca, []string{roots})
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(keytool, "-list", "-v", "-storetype", "PKCS12", "-keystore", tf.Java, "-storepass", tf.JavaPass).CombinedOutput()
	if err != nil {
		t.Fatalf("keytool: %v\n%s", err, out)
	}
	n := len(want) + 1
	if !strings.Contains(string(out), "Your keystore contains "+strconv.Itoa(n)+" entries") ||
		len(regexp.MustCompile(`Entry type: trustedCertEntry`).FindAllIndex(out, -1)) != n {
		t.Errorf("keytool does not list %d trusted certificate entries:\n%s", n, out)
	}
	for _, name := range []string{"azrepl record CA (this run only)", "root A", "root B", "root C"} {
		if !strings.Contains(string(out), "Owner: CN="+name) {
			t.Errorf("keytool does not list %s:\n%s", name, out)
		}
	}
}

// Lengths are written in DER's shortest form at each boundary, as
// encoding/asn1 writes them.
func TestDERLengths(t *testing.T) {
	for _, n := range []int{0, 1, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0xffffff, 0x1000000} {
		content := make([]byte, n)
		want, err := asn1.Marshal(content)
		if err != nil {
			t.Fatal(err)
		}
		got := append(appendHeader(nil, tagOctetString, n), content...)
		if !bytes.Equal(got[:min(len(got), 8)], want[:min(len(want), 8)]) || len(got) != len(want) || tlv(n) != len(want) {
			t.Errorf("%d bytes: header % x, tlv %d; encoding/asn1 writes % x, %d bytes", n, got[:min(len(got), 6)], tlv(n), want[:min(len(want), 6)], len(want))
		}
	}
}

// testCA is a CA standing for a server's own or a root of the system.
func testCA(name string) (*leafca.CA, error) {
	return leafca.New(leafca.Config{Name: name, Lifetime: time.Hour, Backdate: time.Minute})
}
