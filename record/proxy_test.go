package record

import (
	"bufio"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

type answerOK struct{}

func (answerOK) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{}, Body: io.NopCloser(strings.NewReader("ok " + r.URL.Host)), Request: r}, nil
}

// through opens a decrypted connection to target through the proxy as a
// client sending SNI sni, makes one request on it and reports whether the
// TLS session was resumed.
func through(t *testing.T, p *proxy, target, sni string, cache tls.ClientSessionCache) (resumed bool, err error) {
	t.Helper()
	c, err := net.Dial("tcp", p.ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, _ = io.WriteString(c, "CONNECT "+target+" HTTP/1.1\r\nHost: "+target+"\r\n\r\n")
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodConnect})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("CONNECT %s: %v %v", target, resp, err)
	}
	tc := tls.Client(c, &tls.Config{ServerName: sni, RootCAs: p.ca.Pool(), ClientSessionCache: cache})
	if err := tc.Handshake(); err != nil {
		return false, err
	}
	req, _ := http.NewRequest(http.MethodGet, "https://"+sni+"/", nil)
	if err := req.Write(tc); err != nil {
		return false, err
	}
	resp, err = http.ReadResponse(bufio.NewReader(tc), req)
	if err != nil {
		return false, err
	}
	body, _ := io.ReadAll(resp.Body)
	if string(body) != "ok "+strings.TrimSuffix(target, ":443") {
		t.Errorf("answer %q", body)
	}
	return tc.ConnectionState().DidResume, nil
}

func startTestProxy(t *testing.T) *proxy {
	t.Helper()
	ca, err := newAuthority()
	if err != nil {
		t.Fatal(err)
	}
	p, err := startProxy(proxyConfig{CA: ca, Hosts: newHostSet(nil), Onward: answerOK{}, Notes: newNotes()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.close)
	return p
}

// A program that keeps TLS sessions resumes them on its next connections
// through the recorder, as it would with the real host.
func TestSessionsResumeAcrossConnections(t *testing.T) {
	p := startTestProxy(t)
	cache := tls.NewLRUClientSessionCache(8)
	for i, want := range []bool{false, true, true} {
		resumed, err := through(t, p, "graph.microsoft.com:443", "graph.microsoft.com", cache)
		if err != nil {
			t.Fatal(err)
		}
		if resumed != want {
			t.Errorf("connection %d: resumed %v, want %v", i+1, resumed, want)
		}
	}
}

// The name the program asks for must be the host it asked the proxy for,
// also when it offers a session of another host.
func TestSNIMustMatchTheConnectTarget(t *testing.T) {
	p := startTestProxy(t)
	if _, err := through(t, p, "management.azure.com:443", "graph.microsoft.com", nil); err == nil {
		t.Error("a handshake for graph.microsoft.com inside CONNECT management.azure.com succeeded")
	}
	cache := tls.NewLRUClientSessionCache(8)
	if _, err := through(t, p, "graph.microsoft.com:443", "graph.microsoft.com", cache); err != nil {
		t.Fatal(err)
	}
	if _, err := through(t, p, "management.azure.com:443", "graph.microsoft.com", cache); err == nil {
		t.Error("a resumed graph.microsoft.com session inside CONNECT management.azure.com succeeded")
	}
}
