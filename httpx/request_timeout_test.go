package httpx

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/internal/hostilenet"
)

// A token endpoint that sends its headers, then trickles its body a byte a
// second, never ends a request by itself: HTTPClient's whole-request
// deadline (RequestTimeout) does.
func TestTokenRequestHasAWholeRequestDeadline(t *testing.T) {
	hs := newHostile(t, hostilenet.Trickle(t, time.Second))
	proxyURL, _ := url.Parse(hs.proxy.URL)
	c := New(Options{RootCAs: hs.pool, Proxy: http.ProxyURL(proxyURL), RequestTimeout: 300 * time.Millisecond})
	done := make(chan error, 1)
	go func() {
		resp, err := c.HTTPClient().PostForm("https://login.microsoftonline.com/t/oauth2/v2.0/token", url.Values{"grant_type": {"client_credentials"}})
		if err == nil {
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		// Under load the deadline may strike in the proxy's CONNECT or the
		// handshake rather than the body; any of them is the deadline.
		if err == nil || !(os.IsTimeout(err) || errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "Client.Timeout")) {
			t.Errorf("err = %v, want the request's deadline", err)
		}
	case <-time.After(time.Minute): // a hang is the failure, not a timing
		t.Fatal("the token request was still reading after a minute")
	}
	for in, want := range map[string]time.Duration{"90": 90 * time.Second, "2m": 2 * time.Minute, "": 0, "-1": 0, "x": 0} {
		if got := ParseTimeout(in); got != want {
			t.Errorf("ParseTimeout(%q) = %v, want %v", in, got, want)
		}
	}
}
