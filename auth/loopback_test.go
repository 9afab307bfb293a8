package auth

import (
	"errors"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// ipv6Loopback reports whether this machine can listen on [::1].
func ipv6Loopback() bool {
	ln, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		return false
	}
	ln.Close()
	return true
}

// listening is a loopback listener for state on the first free port of
// ports, closed when the test ends.
func listening(t *testing.T, ports []int, state string) *loopback {
	t.Helper()
	lb, err := listenLoopback(ports, state)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(lb.close)
	return lb
}

func TestLoopbackUsesNextFreePort(t *testing.T) {
	busy := listening(t, nil, "s").port()
	if second := listening(t, []int{busy, 0}, "s"); second.port() == busy {
		t.Fatal("bound the busy port")
	}
}

// The redirect URI says localhost; a browser may reach it on 127.0.0.1 or
// on [::1]. Both addresses answer on the port, and a code sent to either is
// the one the flow receives.
func TestLoopbackAnswersOnBothLoopbackAddresses(t *testing.T) {
	if !ipv6Loopback() {
		t.Skip("no IPv6 loopback on this machine: 127.0.0.1 is the only localhost")
	}
	for _, host := range []string{"127.0.0.1", "::1"} {
		t.Run(host, func(t *testing.T) {
			lb := listening(t, nil, "st")
			if want := "http://localhost:" + strconv.Itoa(lb.port()); lb.redirectURI() != want {
				t.Fatalf("redirect URI %s, want %s", lb.redirectURI(), want)
			}
			base := "http://" + net.JoinHostPort(host, strconv.Itoa(lb.port()))
			resp, err := http.Get(base + "/?code=C-" + host + "&state=st")
			if err != nil {
				t.Fatalf("%s: %v", base, err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: status %d", base, resp.StatusCode)
			}
			res, err := lb.wait(t.Context(), time.Minute, nil)
			if err != nil || res.code != "C-"+host {
				t.Fatalf("%s: code %q, %v", base, res.code, err)
			}
		})
	}
}

// Another program holding [::1] on a port would receive the code a browser
// sends to localhost there: such a port is skipped, though 127.0.0.1 is free.
func TestLoopbackSkipsAPortTakenOnIPv6(t *testing.T) {
	if !ipv6Loopback() {
		t.Skip("no IPv6 loopback on this machine")
	}
	thief, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Fatal(err)
	}
	defer thief.Close()
	taken := thief.Addr().(*net.TCPAddr).Port
	probe, err := net.Listen("tcp4", "127.0.0.1:"+strconv.Itoa(taken))
	if err != nil {
		t.Skipf("127.0.0.1:%d is in use too: %v", taken, err)
	}
	probe.Close()

	lb := listening(t, []int{taken, 0}, "s")
	if lb.port() == taken {
		t.Fatalf("listened on port %d, which another program holds on [::1]", taken)
	}
	if _, err := listenLoopback([]int{taken}, "s"); err == nil {
		t.Fatalf("port %d alone accepted though [::1] is taken", taken)
	}
}

// While the browser is awaited, the wait ticks with the time left (the
// countdown a person sees), from the whole timeout down, until the redirect
// comes.
func TestLoopbackWaitCountsDown(t *testing.T) {
	lb := listening(t, nil, "st")
	ticks := make(chan time.Duration, 16)
	done := make(chan error, 1)
	go func() {
		res, err := lb.wait(t.Context(), time.Hour, func(left time.Duration) { ticks <- left })
		if err == nil && res.code != "C" {
			err = errors.New("code " + res.code)
		}
		done <- err
	}()
	first, second := <-ticks, <-ticks
	if first != time.Hour || second >= first || second <= 0 {
		t.Fatalf("ticks %v then %v, want the whole hour then less", first, second)
	}
	resp, err := http.Get(lb.redirectURI() + "/?code=C&state=st")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
