package httpx

import (
	"context"
	"net/http"
	"testing"
)

// A redirect to another origin carries no Referer (it would hand over a
// sig= or code= of the first URL) and no header that looks like a
// credential, whatever its name.
func TestCrossOriginRedirectDropsRefererAndCredentialHeaders(t *testing.T) {
	hs := newHostile(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Host == "contoso.blob.core.windows.net" {
			http.Redirect(w, r, "https://evil.example.net/collect", http.StatusFound)
			return
		}
		_, _ = w.Write([]byte(`{}`))
	})
	hdr := http.Header{}
	creds := []string{"X-Identity-Header", "X-Jwt-Assertion", "X-Bearer", "X-Ms-Client-Principal-Id", "X-Amz-Security-Token", "X-Goog-Iap-Jwt-Assertion", "X-Sas", "X-Pat", "X-Passcode", "X-Otp"}
	for _, h := range creds {
		hdr.Set(h, "SECRET-"+h)
	}
	c := hs.client()
	if _, err := c.Do(context.Background(), &Request{URL: "https://contoso.blob.core.windows.net/c/b.txt?sv=2022&sig=SECRET-SIG", Header: hdr, NoAuth: true}); err != nil {
		t.Fatal(err)
	}
	var reached bool
	for _, r := range hs.requests() {
		if r.Host != "evil.example.net" {
			continue
		}
		reached = true
		if ref := r.Header.Get("Referer"); ref != "" {
			t.Errorf("the hop to another origin carries Referer %q", ref)
		}
		for _, h := range creds {
			if v := r.Header.Get(h); v != "" {
				t.Errorf("the hop to another origin carries %s: %s", h, v)
			}
		}
	}
	if !reached {
		t.Fatal("the redirect was not followed")
	}
}
