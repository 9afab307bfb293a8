package connlistener

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
)

// What a client sends right behind its CONNECT (before it has read the 200)
// reaches the tunnel, though the server had read it into its buffer.
func TestTunnelReplaysBufferedBytes(t *testing.T) {
	got := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, ok := Tunnel(w)
		if !ok {
			got <- "no tunnel"
			return
		}
		defer conn.Close()
		b := make([]byte, len("hello"))
		if _, err := io.ReadFull(conn, b); err != nil {
			got <- err.Error()
			return
		}
		got <- string(b)
	}))
	defer srv.Close()
	c, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, "CONNECT example.test:443 HTTP/1.1\r\nHost: example.test:443\r\n\r\nhello"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), &http.Request{Method: http.MethodConnect})
	if err != nil || resp.StatusCode != http.StatusOK || resp.Status != "200 Connection established" {
		t.Fatalf("answer to CONNECT: %v %v", resp, err)
	}
	// Nothing more comes: a tunnel that lost the buffered bytes reads EOF.
	if err := c.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "hello" {
		t.Fatalf("the tunnel read %q, want hello", s)
	}
}
