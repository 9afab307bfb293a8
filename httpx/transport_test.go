package httpx

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/azrepl/azrepl/internal/version"
)

func TestHTTP2WhenOffered(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.Proto)
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	c := clientFor(srv, Options{})
	resp, err := c.Do(context.Background(), &Request{URL: srv.URL})
	if err != nil || string(resp.Body) != "HTTP/2.0" {
		t.Fatalf("%v %s", err, resp.Body)
	}
}

func TestDebugPrintsReadableExchanges(t *testing.T) {
	var debug bytes.Buffer
	srv, c, _ := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Request-Id", "rid-7")
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, `{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation."}}`)
	}), Options{Debug: &debug})
	_ = c.SetScope("127.0.0.1", "https://graph.microsoft.com/.default") // as for an emulator
	resp, err := c.Do(context.Background(), &Request{Method: "POST", URL: srv.URL + "/v1.0/groups", Body: []byte(`{"displayName":"x"}`),
		Header: http.Header{"Authorization": {"Bearer secret-token-value"}}})
	if err != nil {
		t.Fatal(err)
	}
	out := debug.String()
	for _, want := range []string{
		"── #1 POST " + srv.URL + "/v1.0/groups\n",
		"> Authorization: Bearer $TOKEN\n",
		`>   {"displayName":"x"}`,
		"< 403 Forbidden  ",
		"  application/json\n",
		`<   {"error":{"code":"Authorization_RequestDenied"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("debug output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "secret-token-value") {
		t.Fatal("token in debug output")
	}
	err = resp.Err()
	if err == nil || err.Error() != "graph: 403 Authorization_RequestDenied: Insufficient privileges to complete the operation. (POST "+srv.URL+"/v1.0/groups)" {
		t.Fatalf("%v", err)
	}
}

// TestUserAgent: requests say they come from azrepl, in the one token
// "azrepl/<version>" (they went out as Go-http-client/1.1); a caller's own
// User-Agent is kept; curl lines leave it to curl.
func TestUserAgent(t *testing.T) {
	var mu sync.Mutex
	var got []string
	srv, c, _ := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.UserAgent())
		mu.Unlock()
	}), Options{})
	if _, err := c.Do(context.Background(), &Request{Method: "GET", URL: srv.URL + "/a", NoAuth: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Do(context.Background(), &Request{Method: "GET", URL: srv.URL + "/b", NoAuth: true, Header: http.Header{"User-Agent": {"mine/1"}}}); err != nil {
		t.Fatal(err)
	}
	resp, err := c.HTTPClient().Get(srv.URL + "/c")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	mu.Lock()
	defer mu.Unlock()
	want := []string{version.UserAgent(), "mine/1", version.UserAgent()}
	if !slices.Equal(got, want) || !strings.HasPrefix(got[0], "azrepl/") {
		t.Fatalf("User-Agent %q, want %q", got, want)
	}
	if line := c.Trace()[0].Curl(); strings.Contains(line, "User-Agent") {
		t.Errorf("curl line names the User-Agent: %s", line)
	}
}
