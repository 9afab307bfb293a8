package auth

import (
	"encoding/base64"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// FuzzDecodeJWT feeds arbitrary text to DecodeJWT: it must never panic, a
// success must carry both maps, and a failure must not quote the input
// (tokens must not reach error messages).
func FuzzDecodeJWT(f *testing.F) {
	f.Add("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0In0.c2ln")
	f.Add("Bearer eyJhbGciOiJub25lIn0.eyJleHAiOjE3MDAwMDAwMDB9.")
	f.Add("a.b.c")
	f.Add("....")
	f.Add("eyJ9.eyJ9.x")
	f.Add("  e30.e30.  ")
	f.Fuzz(func(t *testing.T, token string) {
		j, err := DecodeJWT(token)
		if err != nil {
			if j != nil {
				t.Fatalf("error %v with a non-nil JWT", err)
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") {
				t.Fatalf("error is not one line: %q", msg)
			}
			// Any distinctive part of the input must not be echoed.
			for _, part := range strings.Split(token, ".") {
				if len(part) >= 12 && strings.Contains(msg, part) {
					t.Fatalf("error %q quotes the token part %q", msg, part)
				}
			}
			return
		}
		if j.Header == nil || j.Claims == nil {
			t.Fatalf("DecodeJWT(%q) succeeded with a nil map", token)
		}
		_ = j.UnixClaim("exp") // must not panic whatever the claim's type
		_ = j.StringClaim("sub")
	})
}

// FuzzJWTRoundTrip builds a token from two JSON objects and checks that
// DecodeJWT gives back exactly what encoding/json reads from them.
func FuzzJWTRoundTrip(f *testing.F) {
	f.Add(`{"alg":"RS256","kid":"k1"}`, `{"aud":"https://graph.microsoft.com","exp":1700000000,"scp":"User.Read"}`)
	f.Add(`{}`, `{"exp":1.5e9,"roles":["a","b"],"nested":{"x":null}}`)
	f.Add(`{"alg":"none"}`, `{"name":"Zoë \u00e9 \ud83d\ude00"}`)
	f.Fuzz(func(t *testing.T, header, claims string) {
		want := func(s string) (map[string]any, bool) {
			d := json.NewDecoder(strings.NewReader(s))
			d.UseNumber()
			var m map[string]any
			if d.Decode(&m) != nil || m == nil || d.More() {
				return nil, false
			}
			return m, true
		}
		wh, ok1 := want(header)
		wc, ok2 := want(claims)
		if !ok1 || !ok2 || !json.Valid([]byte(header)) || !json.Valid([]byte(claims)) {
			return
		}
		enc := base64.RawURLEncoding
		tok := enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(claims)) + ".sig"
		j, err := DecodeJWT(tok)
		if err != nil {
			t.Fatalf("DecodeJWT of a well-formed token: %v", err)
		}
		if !reflect.DeepEqual(j.Header, wh) || !reflect.DeepEqual(j.Claims, wc) {
			t.Fatalf("round trip differs:\nheader %v vs %v\nclaims %v vs %v", j.Header, wh, j.Claims, wc)
		}
	})
}

// FuzzParseTokenResponse feeds arbitrary answers to the token-response
// parser: never a panic, exactly one of a response or an error, a success
// always has a token, a type and an expiry, and an answer that is not JSON
// never has any of its bytes quoted in the error (it may hold a token).
func FuzzParseTokenResponse(f *testing.F) {
	f.Add(200, "application/json; charset=utf-8", []byte(`{"token_type":"Bearer","scope":"https://graph.microsoft.com/User.Read","expires_in":3599,"ext_expires_in":3599,"access_token":"eyJ0eXAi.eyJhdWQi.c2ln","refresh_token":"0.AAAA","id_token":"a.b.c","client_info":"eyJ1aWQiOiIxIn0","foci":"1"}`))
	f.Add(200, "application/json", []byte(`{"access_token":"x","expires_in":"3600"}`))
	f.Add(200, "application/json", []byte(`{"access_token":"x","expires_on":"1700000000"}`))
	f.Add(200, "", []byte(`{"access_token":"e30.eyJleHAiOjE3MDAwMDAwMDB9.x"}`))
	f.Add(400, "application/json", []byte(`{"error":"invalid_grant","error_description":"AADSTS70008: The refresh token has expired.\r\nTrace ID: 1\r\nCorrelation ID: 2","error_codes":[70008],"trace_id":"1","claims":"{\"access_token\":{}}"}`))
	f.Add(400, "application/json", []byte(`{"error":"authorization_pending"}`))
	f.Add(502, "text/html", []byte(`<html><body><h1>502 Bad Gateway</h1></body></html>`))
	f.Add(200, "application/json", []byte(`{"access_token":"abcdefghijkl`))
	f.Add(200, "application/json", []byte(`{"access_token":"x","expires_in":1e400}`))
	f.Add(200, "application/json", []byte(`{"access_token":["x"]}`))
	f.Fuzz(func(t *testing.T, status int, ctype string, body []byte) {
		tr, err := parseTokenResponse("https://login.microsoftonline.com/common/oauth2/v2.0/token?code=SECRETCODE", status, ctype, body, time.Unix(1_700_000_000, 0))
		if (tr == nil) == (err == nil) {
			t.Fatalf("want exactly one of a response and an error, got %v and %v", tr, err)
		}
		if err != nil {
			msg := err.Error()
			if strings.Contains(msg, "SECRETCODE") {
				t.Fatalf("error quotes the query string: %q", msg)
			}
			if !json.Valid(body) {
				// The content type is named in the error: take it out
				// first, so that a body that repeats it is not blamed.
				scrubbed := strings.ReplaceAll(msg, describeType(ctype), "")
				for i := 0; i+16 <= len(body); i++ {
					if w := body[i : i+16]; strings.Contains(scrubbed, string(w)) {
						t.Fatalf("error %q quotes the non-JSON body (%q)", msg, w)
					}
				}
			}
			return
		}
		if tr.AccessToken == "" || tr.TokenType == "" || tr.ExpiresOn.IsZero() {
			t.Fatalf("incomplete success: %+v", tr)
		}
	})
}
