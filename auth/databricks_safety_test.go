package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// Databricks discovery names the endpoints that receive the client secret,
// the refresh token and the sign-in: off the workspace host (another host,
// http, another port) they are refused, and a plain http host is refused
// before anything is sent.
func TestDatabricksEndpointsStayOnTheWorkspace(t *testing.T) {
	var tokenCalls atomic.Int32
	var token string
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oidc/v1/token" {
			tokenCalls.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"authorization_endpoint":"https://%s/oidc/v1/authorize","token_endpoint":%q}`, r.Host, token)
	}))
	defer srv.Close()
	host := srv.Listener.Addr().String()
	for _, tok := range []string{"https://evil.example.net/oidc/v1/token", "http://" + host + "/oidc/v1/token",
		"https://127.0.0.1:1/oidc/v1/token", "https://" + host + ".evil.example.net/oidc/v1/token"} {
		token = tok
		_, err := DiscoverDatabricks(context.Background(), srv.Client(), "https://"+host)
		if !errors.Is(err, ErrRefused) {
			t.Errorf("token_endpoint %s: err = %v, want refused", tok, err)
		}
	}
	token = "https://" + host + "/oidc/v1/token"
	if ep, err := DiscoverDatabricks(context.Background(), srv.Client(), "https://"+host); err != nil || ep.TokenEndpoint != token {
		t.Fatalf("the workspace's own endpoints: %v %v", ep, err)
	}
	_, err := LoadDatabricksConfig(func(string) string { return "" }, DatabricksConfig{Host: "http://" + host, ClientID: "id", ClientSecret: "s"})
	if !errors.Is(err, ErrRefused) {
		t.Fatalf("http host: %v", err)
	}
	if tokenCalls.Load() != 0 {
		t.Fatal("a token request was sent")
	}
}
