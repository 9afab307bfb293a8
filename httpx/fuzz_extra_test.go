package httpx

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
)

// FuzzClaimsChallenge: WWW-Authenticate values come from any server; the
// parser never panics, and a challenge written the way Entra writes it
// always gives back the claims JSON that was encoded in it.
func FuzzClaimsChallenge(f *testing.F) {
	f.Add(`Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZX19fQ=="`, `{"access_token":{"nbf":{"essential":true}}}`)
	f.Add(`Bearer error=insufficient_claims, claims={"a":1}`, `{"x":"y"}`)
	f.Add(`Bearer error="insufficient_claims", claims="\"`, `{}`)
	f.Add(`=,=,"`, `{"acrs":"c1"}`)
	f.Fuzz(func(t *testing.T, header, claims string) {
		_, _ = parseClaimsChallenge([]string{header})
		if claims == "" {
			return // an empty claims parameter is no challenge
		}
		enc := base64.StdEncoding.EncodeToString([]byte(claims))
		v := `Bearer realm="", error="insufficient_claims", claims="` + enc + `"`
		got, ok := parseClaimsChallenge([]string{header, v})
		if !ok {
			t.Fatalf("challenge %q not found after %q", v, header)
		}
		// The first value may itself be a valid challenge; otherwise ours wins.
		if first, ok1 := parseClaimsChallenge([]string{header}); !ok1 && got != claims {
			t.Fatalf("claims %q, want %q", got, claims)
		} else if ok1 && got != first {
			t.Fatalf("claims %q, want the first challenge's %q", got, first)
		}
	})
}

// FuzzNextPage: paging reads links and tokens from hostile bodies; it never
// panics, never changes the method/body for Graph links, and a Databricks
// token always lands in the page_token parameter.
func FuzzNextPage(f *testing.F) {
	f.Add([]byte(`{"value":[],"@odata.nextLink":"https://graph.microsoft.com/v1.0/groups?$skiptoken=X"}`))
	f.Add([]byte(`{"jobs":[],"has_more":true,"next_page_token":"abc"}`))
	f.Add([]byte(`{"nextLink":123,"next_page_token":{"a":1},"has_more":"yes"}`))
	f.Add([]byte(`{"@odata.nextLink":`))
	f.Fuzz(func(t *testing.T, body []byte) {
		prev := &Request{Method: "POST", URL: "https://graph.microsoft.com/v1.0/groups", Body: []byte("x"),
			Query: url.Values{"$top": {"999"}}}
		for _, next := range []NextFunc{GraphNext, ARMNext} {
			if r := next(prev, body); r != nil && (r.Method != "GET" || r.Body != nil || r.URL == "" || r.Query != nil) {
				t.Fatalf("next request %+v", r)
			}
		}
		if r := DatabricksNext(prev, body); r != nil {
			if r.Query.Get("page_token") == "" || r.Query.Get("$top") != "999" || prev.Query.Get("page_token") != "" {
				t.Fatalf("next query %v (prev %v)", r.Query, prev.Query)
			}
		}
	})
}

// FuzzShellQuote: curl export must quote anything so that the shell reads
// back exactly the original text (checked with a POSIX single-quote reader).
func FuzzShellQuote(f *testing.F) {
	for _, s := range []string{"", "a b", "it's", "'''", `$(rm -rf ~)`, "a\nb", `{"password":"***"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := readShellWord(t, shellQuote(s)); got != s {
			t.Fatalf("shellQuote(%q) reads back as %q", s, got)
		}
		// Masked bodies keep every byte outside the placeholders.
		out := jsonWithPlaceholders(s)
		if !strings.HasPrefix(out, "'") || !strings.HasSuffix(out, "'") {
			t.Fatalf("jsonWithPlaceholders(%q) = %q is not quoted", s, out)
		}
	})
}

// readShellWord decodes one word made of '…' parts and \' escapes.
func readShellWord(t *testing.T, w string) string {
	var b strings.Builder
	for i := 0; i < len(w); {
		switch {
		case w[i] == '\'':
			end := strings.IndexByte(w[i+1:], '\'')
			if end < 0 {
				t.Fatalf("unterminated quote in %q", w)
			}
			b.WriteString(w[i+1 : i+1+end])
			i += end + 2
		case w[i] == '\\' && i+1 < len(w):
			b.WriteByte(w[i+1])
			i += 2
		default:
			t.Fatalf("unquoted byte %q in %q", w[i], w)
		}
	}
	return b.String()
}

// FuzzMayHaveField: the cheap test in front of the redaction regexps must
// say yes whenever the regexp would match, or a secret would go unmasked.
func FuzzMayHaveField(f *testing.F) {
	for _, s := range []string{`{"access_token":"x"}`, `a=1&code=abc`, `{"x-ms-refresh_token_id":"1"}`, `"code" : "`, "\ncode=1", `{"mycode":"x"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if jsonFieldRE.MatchString(s) && !mayHaveField(s, true) {
			t.Fatalf("JSON secret field in %q not seen", s)
		}
		if formFieldRE.MatchString(s) && !mayHaveField(s, false) {
			t.Fatalf("form secret field in %q not seen", s)
		}
	})
}
