package emulator

import (
	"bufio"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// rawProxy sends one request line to the proxy and returns the status and body.
func rawProxy(t *testing.T, em *Emulator, request string) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", em.ProxyURL().Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, request); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestProxyRefusesOtherHosts(t *testing.T) {
	em := startEmulator(t, Config{})
	st, body := rawProxy(t, em, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
	if st != 403 || !strings.Contains(body, "example.com") {
		t.Fatalf("CONNECT example.com: %d %q", st, body)
	}
	st, body = rawProxy(t, em, "GET http://graph.microsoft.com/v1.0/me HTTP/1.1\r\nHost: graph.microsoft.com\r\n\r\n")
	if st != 403 || !strings.Contains(body, "plain-HTTP") {
		t.Fatalf("plain HTTP: %d %q", st, body)
	}
	// Through a real client: the error is the proxy's refusal, nothing is dialled.
	if _, err := em.HTTPClient().Get("https://www.example.org/"); err == nil || !strings.Contains(err.Error(), "Forbidden") {
		t.Fatalf("client through proxy to example.org: %v", err)
	}
}

func TestTLSVerifiedWithCA(t *testing.T) {
	em := startEmulator(t, Config{})
	for _, u := range []string{
		"https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration",
		"https://" + em.World().Databricks.Host + "/",
		"https://microsoft.com/devicelogin",
	} {
		resp, err := em.HTTPClient().Get(u)
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		if resp.TLS == nil || len(resp.TLS.PeerCertificates) == 0 {
			t.Fatalf("%s: not TLS", u)
		}
		resp.Body.Close()
	}
	// The same proxy with the system roots only must fail verification.
	strict := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(em.ProxyURL()), TLSClientConfig: &tls.Config{}}}
	if _, err := strict.Get("https://graph.microsoft.com/v1.0/me"); err == nil {
		t.Fatal("a client without the emulator CA must not trust it")
	}
	// Direct listener: certificate for 127.0.0.1.
	direct := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: em.CertPool()}}}
	resp, err := direct.Get(em.DirectURL() + "/devicelogin")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("direct /devicelogin: %d", resp.StatusCode)
	}
}
