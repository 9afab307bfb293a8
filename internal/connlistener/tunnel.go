package connlistener

import (
	"bufio"
	"io"
	"net"
	"net/http"
)

// Tunnel takes over the connection of a CONNECT request the proxy accepts
// and answers it "200 Connection established": what the client sends next
// is the tunnel, read from the returned conn (which first replays what the
// server had already buffered). When w cannot be taken over it answers 500;
// false means there is no tunnel.
func Tunnel(w http.ResponseWriter) (net.Conn, bool) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "cannot take over the connection", http.StatusInternalServerError)
		return nil, false
	}
	conn, rw, err := hj.Hijack()
	if err != nil {
		return nil, false
	}
	if _, err := io.WriteString(conn, "HTTP/1.1 200 Connection established\r\n\r\n"); err != nil {
		_ = conn.Close()
		return nil, false
	}
	return Prefixed(conn, rw.Reader), true
}

// Prefixed is c read through br, which may hold bytes already read from c;
// c itself when br holds none.
func Prefixed(c net.Conn, br *bufio.Reader) net.Conn {
	if br.Buffered() == 0 {
		return c
	}
	return &prefixedConn{Conn: c, r: br}
}

// prefixedConn replays bytes already read into a bufio.Reader.
type prefixedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *prefixedConn) Read(b []byte) (int, error) { return c.r.Read(b) }

// CloseWrite half-closes c where it can (a TCP connection), else closes it.
func (c *prefixedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return c.Conn.Close()
}
