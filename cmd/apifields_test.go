package cmd

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/httpx"
)

// TestAPIFields: -f and -F make gh api's JSON body (typed values, files,
// nesting, arrays, arrays of objects) or, with -X GET, the query string.
func TestAPIFields(t *testing.T) {
	file := filepath.Join(t.TempDir(), "v.txt")
	if err := os.WriteFile(file, []byte("from a file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args               []string
		stdin              string
		method, target, bd string // bd "" = no body
	}{
		{[]string{"/v1.0/x", "-F", "n=42", "-F", "t=true", "-F", "f=false", "-F", "z=null", "-F", "s=4.5", "-f", "raw=true", "-f", "neg=-1"}, "",
			"POST", "/v1.0/x", `{"f":false,"n":42,"neg":"-1","raw":"true","s":"4.5","t":true,"z":null}`},
		{[]string{"/v1.0/x", "-F", "a=@" + file, "-F", "b=@-", "-f", "c=@" + file}, "stdin text",
			"POST", "/v1.0/x", `{"a":"from a file\n","b":"stdin text","c":"@` + file + `"}`},
		{[]string{"/v1.0/x", "-f", "a[b][c]=1", "-F", "a[b][d]=2", "-f", "l[]=x", "-F", "l[]=3", "-f", "e[]", "-f", "k=v=w"}, "",
			"POST", "/v1.0/x", `{"a":{"b":{"c":"1","d":2}},"e":[],"k":"v=w","l":["x",3]}`},
		{[]string{"/v1.0/$batch", "-f", "requests[][id]=1", "-f", "requests[][url]=/me", "-f", "requests[][id]=2", "-f", "requests[][url]=/x"}, "",
			"POST", "/v1.0/$batch", `{"requests":[{"id":"1","url":"/me"},{"id":"2","url":"/x"}]}`},
		{[]string{"/v1.0/x", "-f", "a=1", "-f", "a=2", "-f", "html=<&>"}, "",
			"POST", "/v1.0/x", `{"a":"2","html":"<&>"}`},
		{[]string{"/v1.0/x", "-X", "patch", "-F", "on=true"}, "", "PATCH", "/v1.0/x", `{"on":true}`},
		{[]string{"/v1.0/groups", "-X", "GET", "-F", "$top=2", "-f", "$select=displayName", "-F", "z=null", "-f", "e[]"}, "",
			"GET", "/v1.0/groups?%24select=displayName&%24top=2&z=", ""},
		{[]string{"/subscriptions?x=1", "-X", "GET", "-f", "api-version=2022-12-01", "-f", "l[]=a", "-f", "l[]=b"}, "",
			"GET", "/subscriptions?x=1&api-version=2022-12-01&l%5B%5D=a&l%5B%5D=b", ""},
	}
	for _, c := range cases {
		got, err := parseAPI(c.args, strings.NewReader(c.stdin))
		if err != nil {
			t.Errorf("%q: %v", c.args, err)
			continue
		}
		body := ""
		if got.Body != nil {
			body = *got.Body
		}
		if got.Method != c.method || got.Target != c.target || body != c.bd {
			t.Errorf("%q:\n got %s %s %s\nwant %s %s %s", c.args, got.Method, got.Target, body, c.method, c.target, c.bd)
		}
	}
}

// TestAPIFieldErrors: every malformed field and every clash of flags is
// one usage error naming what is wrong.
func TestAPIFieldErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"/v1.0/x", "-f", "novalue"}, `--raw-field "novalue" is not KEY=VALUE`},
		{[]string{"/v1.0/x", "-F", "=v"}, `--field "=v": KEY is a name`},
		{[]string{"/v1.0/x", "-f", "a[b=1"}, `--raw-field "a[b=1": KEY is a name`},
		{[]string{"/v1.0/x", "-f", "a[b]c=1"}, `--raw-field "a[b]c=1": KEY is a name`},
		{[]string{"/v1.0/x", "-f", "[b]=1"}, `--raw-field "[b]=1": KEY is a name`},
		{[]string{"/v1.0/x", "-f", "a=1", "-f", "a[b]=2"}, `field "a[b]=2": a[b] is already given`},
		{[]string{"/v1.0/x", "-f", "a[b]=1", "-f", "a=2"}, `field "a=2": a is already given`},
		{[]string{"/v1.0/x", "-f", "a[]=1", "-f", "a[b]=2"}, `field "a[b]=2"`},
		{[]string{"/v1.0/x", "-f", "a=1", "--body", "{}"}, "--body or -f/-F fields, not both"},
		{[]string{"/v1.0/x", "-f", "a=1", "-X", "DELETE"}, "--body and fields go with -X POST, PUT or PATCH"},
		{[]string{"/v1.0/x", "-F", "a=@/nonexistent/v.txt"}, "--field a=@/nonexistent/v.txt: "},
		{[]string{"/v1.0/x", "-F", "a=@-", "-F", "b=@-"}, `--field "b=@-": stdin is read once`},
		{[]string{"/v1.0/x", "-f", "a=1", "--paginate"}, "--paginate lists with GET"},
		{[]string{"/v1.0/x", "-i", "--paginate"}, "--include shows one answer's headers"},
		{[]string{"/v1.0/x", "--include=yes"}, "--include takes no value"},
	} {
		_, err := parseAPI(c.args, strings.NewReader(""))
		var ue *UsageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: %v; want a one-line usage error with %q", c.args, err, c.want)
		}
	}
}

// TestResponseHeadMasksSecrets: -i prints the status line and every
// header, a secret header's value and a cookie's value masked.
func TestResponseHeadMasksSecrets(t *testing.T) {
	res := &httpx.Response{Proto: "HTTP/2.0", Status: 201, Header: http.Header{
		"Content-Type":                {"application/json"},
		"Set-Cookie":                  {"session=s3cr3t-cookie-value; Path=/; HttpOnly"},
		"X-Ms-Token-Aad-Access-Token": {"opaque-token-value-123"},
		"X-Api-Key":                   {"key-value-456789"},
		"Location":                    {"https://x.example/a?sig=signature-789xyz&b=1"},
		"Vary":                        {"Accept", "Origin"},
	}}
	got := string(responseHead(res))
	for _, want := range []string{"HTTP/2.0 201 Created\n", "Content-Type: application/json\n", "Vary: Accept\nVary: Origin\n", "Set-Cookie: session=", "X-Api-Key: ***\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("head lacks %q:\n%s", want, got)
		}
	}
	for _, secret := range []string{"s3cr3t-cookie-value", "opaque-token-value-123", "key-value-456789", "signature-789xyz"} {
		if strings.Contains(got, secret) {
			t.Errorf("head shows %q:\n%s", secret, got)
		}
	}
	if !strings.HasSuffix(got, "\n\n") || strings.Index(got, "Content-Type") > strings.Index(got, "Vary") {
		t.Errorf("head is not sorted headers ending in a blank line:\n%s", got)
	}
}
