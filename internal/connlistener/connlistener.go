// Package connlistener serves the tunnels of a CONNECT proxy: Tunnel takes
// over an accepted CONNECT's connection, and a Listener fed by hand hands a
// tunnelled connection (perhaps decrypted) to an http.Server. The emulator's
// CONNECT proxy and azrepl record's recorder both serve their tunnels this way.
package connlistener

import (
	"errors"
	"net"
	"sync"
)

// ErrClosed is what Accept returns once the listener is closed.
var ErrClosed = errors.New("listener closed")

// Listener hands pushed connections to Accept.
type Listener struct {
	addr   net.Addr
	conns  chan net.Conn
	once   sync.Once
	closed chan struct{}
}

// New returns a listener that reports addr as its address.
func New(addr net.Addr) *Listener {
	return &Listener{addr: addr, conns: make(chan net.Conn), closed: make(chan struct{})}
}

// Push waits for Accept to take c and reports true; after Close it closes
// c instead and reports false.
func (l *Listener) Push(c net.Conn) bool {
	select {
	case l.conns <- c:
		return true
	case <-l.closed:
		_ = c.Close()
		return false
	}
}

func (l *Listener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, ErrClosed
	}
}

func (l *Listener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

func (l *Listener) Addr() net.Addr { return l.addr }
