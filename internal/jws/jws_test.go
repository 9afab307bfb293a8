package jws

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestParts(t *testing.T) {
	enc := base64.RawURLEncoding.EncodeToString
	h, p, err := Parts(" " + enc([]byte(`{"alg":"RS256"}`)) + "." + enc([]byte(`{"aud":"x"}`)) + "==.sig\n")
	if err != nil || string(h) != `{"alg":"RS256"}` || string(p) != `{"aud":"x"}` {
		t.Fatalf("Parts = %q %q %v", h, p, err)
	}
	secret := "c2VjcmV0LXRva2Vu"
	for token, want := range map[string]string{
		secret:                                   "expected 3 dot-separated parts, got 1",
		secret + ".a.b.c":                        "got 4",
		"!!" + secret + "." + secret + ".x":      "header: invalid base64url",
		enc([]byte("{}")) + ".*" + secret + ".x": "claims: invalid base64url",
	} {
		_, _, err := Parts(token)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), secret) {
			t.Errorf("Parts(%q): %v, want %q without the token", token, err, want)
		}
	}
}
