package record

import (
	"bytes"
	"encoding/base64"
	"encoding/pem"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/azrepl/azrepl/internal/leafca"
)

// trustFiles are the files the child reads to trust the run's CA.
type trustFiles struct {
	Bundle   string // PEM: the run's CA, then the roots azrepl trusts
	Java     string // PKCS#12 trust store with the same certificates
	JavaPass string // its store password (not a secret: the store holds only certificates)
}

// maxRootFile bounds what is read of one root bundle.
const maxRootFile = 8 << 20

// writeTrust writes the bundle and the Java trust store into dir (0700).
// The bundle is the run's CA and then each certificate block of the root
// files as it is written there: PEM text copied, not decoded and encoded
// again. Only the Java store needs the DER.
func writeTrust(dir string, ca *leafca.CA, rootFiles []string) (trustFiles, error) {
	var pems [][]byte
	size := len(ca.PEM())
	for _, f := range rootFiles {
		data, err := readCapped(f, maxRootFile)
		if err != nil {
			continue // a bundle that cannot be read adds nothing; the CA is what matters
		}
		for _, blk := range certificateBlocks(data) {
			pems = append(pems, blk)
			size += len(blk) + 1
		}
	}
	bundle := make([]byte, 0, size)
	bundle = append(bundle, ca.PEM()...)
	slab := make([]byte, 0, base64.StdEncoding.DecodedLen(size)) // every DER, in one allocation
	ders := make([][]byte, 1, len(pems)+1)
	ders[0] = ca.Certificate().Raw
	for _, blk := range pems {
		at := len(slab)
		var ok bool
		if slab, ok = appendDER(slab, blk); !ok {
			continue
		}
		bundle = append(append(bundle, blk...), '\n')
		ders = append(ders, slab[at:len(slab):len(slab)])
	}
	t := trustFiles{Bundle: filepath.Join(dir, "ca-bundle.pem"), Java: filepath.Join(dir, "truststore.p12"), JavaPass: "azrepl-record"}
	if err := os.WriteFile(t.Bundle, bundle, 0o600); err != nil {
		return t, err
	}
	store, err := trustStore(ders)
	if err != nil {
		return t, err
	}
	return t, os.WriteFile(t.Java, store, 0o600)
}

const (
	pemBegin = "-----BEGIN CERTIFICATE-----"
	pemEnd   = "-----END CERTIFICATE-----"
)

// certificateBlocks are the CERTIFICATE blocks of a PEM file, each from its
// BEGIN line to the end of its END line; other blocks (TRUSTED
// CERTIFICATE, keys) and text between blocks are left out.
func certificateBlocks(data []byte) [][]byte {
	var out [][]byte
	for {
		i := bytes.Index(data, []byte(pemBegin))
		if i < 0 {
			return out
		}
		if i > 0 && data[i-1] != '\n' { // not at the start of a line
			data = data[i+len(pemBegin):]
			continue
		}
		data = data[i:]
		j := bytes.Index(data, []byte(pemEnd))
		if j < 0 {
			return out
		}
		if k := bytes.Index(data[len(pemBegin):j], []byte("-----BEGIN")); k >= 0 { // no END of its own
			data = data[len(pemBegin)+k:]
			continue
		}
		out = append(out, data[:j+len(pemEnd)])
		data = data[j+len(pemEnd):]
	}
}

// appendDER appends the certificate of one block from certificateBlocks;
// a block with headers or broken base64 is refused, as pem.Decode would
// skip it.
func appendDER(dst, blk []byte) ([]byte, bool) {
	body := blk[len(pemBegin) : len(blk)-len(pemEnd)]
	at, most := len(dst), base64.StdEncoding.DecodedLen(len(body))
	dst = slices.Grow(dst, most)
	if n, err := base64.StdEncoding.Decode(dst[at:at+most], body); err == nil && n > 0 { // line breaks are skipped
		return dst[:at+n], true
	}
	p, _ := pem.Decode(blk) // spaces or tabs in the lines
	if p == nil || p.Type != "CERTIFICATE" || len(p.Headers) > 0 {
		return dst[:at], false
	}
	return append(dst[:at], p.Bytes...), true
}

func readCapped(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return nil, os.ErrInvalid
	}
	buf := bytes.NewBuffer(make([]byte, 0, min(st.Size(), limit)+512))
	_, err = buf.ReadFrom(io.LimitReader(f, limit))
	return buf.Bytes(), err
}

// childEnv is base with the proxy and trust variables the common stacks
// read: Go, OpenSSL and curl (SSL_CERT_FILE, CURL_CA_BUNDLE), Python
// requests (REQUESTS_CA_BUNDLE: the Azure CLI, MSAL Python), Node
// (NODE_EXTRA_CA_CERTS), .NET on Linux (SSL_CERT_FILE, HTTPS_PROXY) and the
// JVM (JAVA_TOOL_OPTIONS: its trust store and proxy properties, since Java
// reads no proxy variable).
func childEnv(base []string, proxyURL string, t trustFiles) []string {
	port := proxyURL[strings.LastIndexByte(proxyURL, ':')+1:]
	set := map[string]string{
		"HTTPS_PROXY": proxyURL, "https_proxy": proxyURL, "HTTP_PROXY": proxyURL, "http_proxy": proxyURL,
		"SSL_CERT_FILE": t.Bundle, "REQUESTS_CA_BUNDLE": t.Bundle, "CURL_CA_BUNDLE": t.Bundle, "NODE_EXTRA_CA_CERTS": t.Bundle,
	}
	java := "-Djavax.net.ssl.trustStore=" + t.Java + " -Djavax.net.ssl.trustStoreType=PKCS12 -Djavax.net.ssl.trustStorePassword=" + t.JavaPass +
		" -Dhttps.proxyHost=127.0.0.1 -Dhttps.proxyPort=" + port + " -Dhttp.proxyHost=127.0.0.1 -Dhttp.proxyPort=" + port
	out := make([]string, 0, len(base)+len(set)+1)
	for _, kv := range base {
		k, v, _ := strings.Cut(kv, "=")
		if _, ok := set[k]; ok {
			continue
		}
		if k == "JAVA_TOOL_OPTIONS" {
			java = strings.TrimSpace(v + " " + java)
			continue
		}
		out = append(out, kv)
	}
	for _, k := range []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NODE_EXTRA_CA_CERTS"} {
		out = append(out, k+"="+set[k])
	}
	return append(out, "JAVA_TOOL_OPTIONS="+java)
}
