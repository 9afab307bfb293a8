package httpx

import (
	"context"
	"crypto/x509"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/azrepl/azrepl/internal/hostilenet"
)

// An https://<IP> URL is verified against the certificate's IP addresses
// when the trusted roots come from files (SSL_CERT_FILE and the bundle):
// the client sends no server name for an address, so the check cannot rely
// on one. The hostile network answers an address with a certificate for
// 127.0.0.1 alone, from a CA trusted through SSL_CERT_FILE.
func TestIPAddressHostsVerifyAgainstIPNames(t *testing.T) {
	s := hostilenet.New(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok " + r.Host)) })
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, s.CAPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SSL_CERT_FILE", caFile)
	if systemRoots().pool != nil {
		t.Log("no CA bundle file on this machine: roots come from Go's system pool")
	}
	c := New(Options{Proxy: http.ProxyURL(mustURL(s.Proxy.URL)), Retry: RetryPolicy{MaxAttempts: 1}})
	get := func(u string) (*Response, error) {
		return c.Do(context.Background(), &Request{URL: u, NoAuth: true, MaxAttempts: 1})
	}
	for _, u := range []string{"https://127.0.0.1/a", "https://127.0.0.1:8443/b", "https://graph.example.test/c"} {
		resp, err := get(u)
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		if want := "ok " + mustURL(u).Host; string(resp.Body) != want {
			t.Fatalf("%s: body %q, want %q", u, resp.Body, want)
		}
	}
	// An address the certificate does not name.
	var hostErr x509.HostnameError
	if _, err := get("https://10.9.8.7/"); !errors.As(err, &hostErr) {
		t.Fatalf("https://10.9.8.7 with a certificate for 127.0.0.1: %v, want a x509.HostnameError", err)
	}

	// A CA no longer trusted: the address is refused as any host is.
	other := hostilenet.New(t, func(http.ResponseWriter, *http.Request) {})
	otherFile := filepath.Join(t.TempDir(), "other.pem")
	if err := os.WriteFile(otherFile, other.CAPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SSL_CERT_FILE", otherFile)
	c2 := New(Options{Proxy: http.ProxyURL(mustURL(s.Proxy.URL)), Retry: RetryPolicy{MaxAttempts: 1}})
	var authErr x509.UnknownAuthorityError
	for _, u := range []string{"https://127.0.0.1/", "https://graph.example.test/"} {
		if _, err := c2.Do(context.Background(), &Request{URL: u, NoAuth: true, MaxAttempts: 1}); !errors.As(err, &authErr) {
			t.Fatalf("%s from an untrusted CA: %v, want a x509.UnknownAuthorityError", u, err)
		}
	}
}

func TestIsIPHost(t *testing.T) {
	for host, want := range map[string]bool{
		"127.0.0.1": true, "::1": true, "fe80::1%eth0": true, "10.0.0.1": true,
		"localhost": false, "graph.microsoft.com": false, "1.2.3.4.example": false, "": false,
	} {
		if got := isIPHost(host); got != want {
			t.Errorf("isIPHost(%q) = %v, want %v", host, got, want)
		}
	}
}
