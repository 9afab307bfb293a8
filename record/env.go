package record

import (
	"bytes"
	"encoding/pem"
	"io"
	"os"
	"path/filepath"
	"strings"
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
func writeTrust(dir string, ca *authority, rootFiles []string) (trustFiles, error) {
	var bundle bytes.Buffer
	bundle.Write(ca.certPEM)
	ders := [][]byte{ca.cert.Raw}
	for _, f := range rootFiles {
		data, err := readCapped(f, maxRootFile)
		if err != nil {
			continue // a bundle that cannot be read adds nothing; the CA is what matters
		}
		for rest := data; ; {
			var b *pem.Block
			b, rest = pem.Decode(rest)
			if b == nil {
				break
			}
			if b.Type != "CERTIFICATE" {
				continue
			}
			_ = pem.Encode(&bundle, &pem.Block{Type: "CERTIFICATE", Bytes: b.Bytes})
			ders = append(ders, b.Bytes)
		}
	}
	t := trustFiles{Bundle: filepath.Join(dir, "ca-bundle.pem"), Java: filepath.Join(dir, "truststore.p12"), JavaPass: "azrepl-record"}
	if err := os.WriteFile(t.Bundle, bundle.Bytes(), 0o600); err != nil {
		return t, err
	}
	store, err := trustStore(ders, t.JavaPass)
	if err != nil {
		return t, err
	}
	return t, os.WriteFile(t.Java, store, 0o600)
}

func readCapped(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return nil, os.ErrInvalid
	}
	return io.ReadAll(io.LimitReader(f, limit))
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
