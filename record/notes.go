package record

import (
	"maps"
	"slices"
	"sync"
)

// notes count what the proxy saw besides the recorded exchanges: hosts it
// tunnelled, connections it decrypted, and TLS handshakes the program broke
// off (it did not trust the run's CA).
type notes struct {
	mu          sync.Mutex
	tunnels     map[string]int
	intercepts  map[string]int
	handshakes  map[string]string // host → the first handshake error
	tunnelFails map[string]string
	unused      map[string]int // decrypted connections closed before any request
}

func newNotes() *notes {
	return &notes{tunnels: map[string]int{}, intercepts: map[string]int{}, handshakes: map[string]string{}, tunnelFails: map[string]string{}, unused: map[string]int{}}
}

func (n *notes) tunnelled(host string) { n.mu.Lock(); n.tunnels[host]++; n.mu.Unlock() }

func (n *notes) intercepted(host string) { n.mu.Lock(); n.intercepts[host]++; n.mu.Unlock() }

func (n *notes) closedUnused(host string) { n.mu.Lock(); n.unused[host]++; n.mu.Unlock() }

func (n *notes) handshakeFailed(host string, err error) {
	n.mu.Lock()
	if _, ok := n.handshakes[host]; !ok {
		n.handshakes[host] = err.Error()
	}
	n.mu.Unlock()
}

func (n *notes) tunnelFailed(host string, err error) {
	n.mu.Lock()
	if _, ok := n.tunnelFails[host]; !ok {
		n.tunnelFails[host] = err.Error()
	}
	n.mu.Unlock()
}

// HostCount is a host and how many connections went to it.
type HostCount struct {
	Host  string
	Count int
}

// HostError is a host and the first error seen with it.
type HostError struct {
	Host, Error string
}

// Connections summarises the connections of a run.
type Connections struct {
	Tunnelled       []HostCount // never decrypted
	Intercepted     []HostCount // decrypted and recorded
	HandshakeFailed []HostError // the program refused the run's certificate
	TunnelFailed    []HostError // the onward connection of a tunnel failed
	ClosedUnused    []HostCount // decrypted, then closed before any request (certificate pinning)
}

func (n *notes) snapshot() Connections {
	n.mu.Lock()
	defer n.mu.Unlock()
	counts := func(m map[string]int) []HostCount {
		return byHost(m, func(h string, c int) HostCount { return HostCount{h, c} })
	}
	errs := func(m map[string]string) []HostError {
		return byHost(m, func(h, e string) HostError { return HostError{h, e} })
	}
	return Connections{Tunnelled: counts(n.tunnels), Intercepted: counts(n.intercepts),
		HandshakeFailed: errs(n.handshakes), TunnelFailed: errs(n.tunnelFails), ClosedUnused: counts(n.unused)}
}

// byHost is the entries of m made into Ts, in the order of their hosts
// (nil for none).
func byHost[V, T any](m map[string]V, entry func(host string, v V) T) []T {
	var out []T
	for _, h := range slices.Sorted(maps.Keys(m)) {
		out = append(out, entry(h, m[h]))
	}
	return out
}
