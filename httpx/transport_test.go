package httpx

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
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
