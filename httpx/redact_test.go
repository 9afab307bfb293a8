package httpx

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// fakeJWT builds a token-shaped string; its signature part is the secret.
func fakeJWT(sig string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc([]byte(`{"aud":"https://graph.microsoft.com","scp":"User.Read"}`)) + "." + sig
}

func TestTraceOfTokenExchangeHasNoSecrets(t *testing.T) {
	secrets := map[string]string{
		"client secret": "Cl1ent~Secret.Value_42",
		"refresh token": "0.AXoA-old-refresh-token-value",
		"new refresh":   "0.AXoA-new-refresh-token-value",
		"access token":  fakeJWT("accessSIGNATUREaaaa"),
		"id token":      fakeJWT("idSIGNATUREbbbb"),
		"password":      "hunter2hunter2",
		"code verifier": "verifier-0123456789abcdef",
		"auth code":     "0.AAAA-authorization-code-xyz",
		"cookie":        "session-cookie-value",
		"opaque":        "dapi0123456789abcdef", // a Databricks PAT: not a JWT, learned from the header
	}
	var debug bytes.Buffer
	srv, c, _ := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/tenant/oauth2/v2.0/token":
			http.SetCookie(w, &http.Cookie{Name: "fpc", Value: secrets["cookie"], Path: "/"})
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"token_type":"Bearer","scope":"https://graph.microsoft.com/.default","expires_in":3599,"access_token":%q,"refresh_token":%q,"id_token":%q}`,
				secrets["access token"], secrets["new refresh"], secrets["id token"])
		default:
			// An echo of what came in: the secrets must be masked here too.
			body, _ := io.ReadAll(r.Body)
			w.Header().Set("X-Echo-Auth", r.Header.Get("Authorization"))
			seen := secrets["refresh token"]
			if r.URL.Path == "/pat" { // a server echoing the PAT it was sent
				seen += " " + secrets["opaque"]
			}
			fmt.Fprintf(w, `{"url":%q,"body":%q,"seen":%q}`, r.URL.String(), body, seen)
		}
	}), Options{Debug: &debug})
	ctx := context.Background()

	form := url.Values{
		"client_id": {"04b07795-8ddb-461a-bbee-02f9e1bf7b46"}, "grant_type": {"refresh_token"},
		"client_secret": {secrets["client secret"]}, "refresh_token": {secrets["refresh token"]},
		"scope": {"https://graph.microsoft.com/.default offline_access"},
	}
	resp, err := c.HTTPClient().PostForm(srv.URL+"/tenant/oauth2/v2.0/token", form)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()

	pw := url.Values{"username": {"alice"}, "password": {secrets["password"]}, "code": {secrets["auth code"]}, "code_verifier": {secrets["code verifier"]}}
	if _, err := c.Do(ctx, &Request{Method: "POST", URL: srv.URL + "/echo", Body: []byte(pw.Encode()), ContentType: "application/x-www-form-urlencoded"}); err != nil {
		t.Fatal(err)
	}
	// A JWT in a URL, a code in a query, a bearer token in the header.
	if _, err := c.Do(ctx, &Request{URL: srv.URL + "/cb/" + secrets["id token"] + "?code=" + url.QueryEscape(secrets["auth code"]) + "&state=s1",
		Header: http.Header{"Authorization": {"Bearer " + secrets["access token"]}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Do(ctx, &Request{URL: srv.URL + "/pat", Header: http.Header{"Authorization": {"Bearer " + secrets["opaque"]}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Do(ctx, &Request{Method: "POST", URL: srv.URL + "/json",
		Body: []byte(`{"password":"` + secrets["password"] + `","name":"x"}`)}); err != nil {
		t.Fatal(err)
	}

	trace := c.Trace()
	if len(trace) != 5 {
		t.Fatalf("%d exchanges", len(trace))
	}
	var all strings.Builder
	all.WriteString(debug.String())
	for _, e := range trace {
		fmt.Fprintf(&all, "%+v\n%s\n", e, e.Curl())
	}
	text := all.String()
	for what, s := range secrets {
		for _, form := range []string{s, url.QueryEscape(s)} {
			if strings.Contains(text, form) {
				t.Errorf("%s leaked into the trace", what)
			}
		}
	}
	// Masked, but still readable.
	if trace[0].ReqForm == nil || !strings.Contains(text, "client_id=04b07795") || !strings.Contains(text, "Bearer $TOKEN") ||
		!strings.Contains(text, "fpc=***") || !strings.Contains(text, "state=s1") || !strings.Contains(text, `"expires_in":3599`) {
		t.Fatalf("trace lost what is not secret:\n%s", text)
	}
	if !strings.Contains(trace[2].URL, "/cb/***?code=***") {
		t.Fatalf("URL not masked: %s", trace[2].URL)
	}
}

func TestAddSecretMasksEverywhere(t *testing.T) {
	const secret = "typed-by-the-user-42"
	srv, c, _ := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Note", "hello "+secret)
		_, _ = w.Write([]byte(`{"note":"` + secret + `"}`))
	}), Options{})
	c.AddSecret(secret)
	if _, err := c.Do(context.Background(), &Request{URL: srv.URL + "/q?x=" + secret}); err != nil {
		t.Fatal(err)
	}
	e := c.Trace()[0]
	if s := fmt.Sprintf("%+v", e); strings.Contains(s, secret) {
		t.Fatalf("secret in trace: %s", s)
	}
	if e.RespBody != `{"note":"***"}` || e.RespHeader.Get("X-Note") != "hello ***" {
		t.Fatalf("body %q header %q", e.RespBody, e.RespHeader.Get("X-Note"))
	}
	if got := c.Redact("oops " + secret); got != "oops ***" {
		t.Fatal(got)
	}
}

func TestErrorCodesStayReadable(t *testing.T) {
	r := &redactor{}
	in := `{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges"}}`
	if got := r.text(in); got != in {
		t.Fatalf("error code masked: %s", got)
	}
	in = `{"code":"0.AXoAbc-def_ghi.jkl-a-long-authorization-code-value-from-the-server"}`
	if got := r.text(in); got != `{"code":"***"}` {
		t.Fatalf("auth code kept: %s", got)
	}
}

func TestCutBodyNeverShowsHalfASecret(t *testing.T) {
	r := &redactor{}
	// A body cut inside the value of a secret member.
	in := `{"items":[1,2],"refresh_token":"0.AXoA-partial-refresh-tok`
	if got := r.text(in); strings.Contains(got, "partial") {
		t.Fatalf("half a secret shown: %s", got)
	}
}

func FuzzRedact(f *testing.F) {
	f.Add(`{"access_token":"%s","x":1}`, "grant_type=refresh_token&refresh_token=%s")
	f.Add(`%s`, `a=1&client_secret=%s`)
	f.Add(`{"password" : "%s"`, "%s")
	f.Add("<html>%s</html>", "code=%s&state=1")
	const planted = "PLANTED-secret-9f8e7d"
	f.Fuzz(func(t *testing.T, jsonTmpl, formTmpl string) {
		r := &redactor{}
		r.add(planted)
		for _, tmpl := range []string{jsonTmpl, formTmpl} {
			body := strings.ReplaceAll(tmpl, "%s", planted)
			out := r.text(body)
			if strings.Contains(out, planted) {
				t.Fatalf("planted secret survived in %q", out)
			}
			_ = r.url("https://h/p?" + body)
			_, _ = r.form(body)
			// Fields the rules know, with any value, also hide it. A fresh
			// redactor: r has learned secrets from the bodies above, and a
			// learned value may span JSON punctuation (over-masking, no leak).
			v := strings.NewReplacer(`"`, "", `\`, "").Replace(tmpl)
			if got := (&redactor{}).text(`{"refresh_token":"` + v + `"}`); got != `{"refresh_token":"***"}` {
				t.Fatalf("refresh_token value shown: %q", got)
			}
		}
	})
}

// mayHaveUserinfo, the cheap test before userinfoRE, says yes wherever the
// regexp matches (so skipping the regexp never shows a URL password), on
// random strings made of the characters that matter.
func TestMayHaveUserinfoCoversTheRegexp(t *testing.T) {
	alphabet := []string{"https", "://", ":", "@", "/", " ", "\t", "\v", "u", "pw", `"`, "é", "x.y"}
	seed := uint64(7)
	next := func(n int) int { seed = seed*6364136223846793005 + 1442695040888963407; return int(seed>>33) % n }
	matched := 0
	for range 200_000 {
		var sb strings.Builder
		for range 1 + next(12) {
			sb.WriteString(alphabet[next(len(alphabet))])
		}
		s := sb.String()
		re := userinfoRE.get().MatchString(s)
		if re && !mayHaveUserinfo(s) {
			t.Fatalf("%q: the regexp matches, the cheap test says no", s)
		}
		if re {
			matched++
		}
	}
	if matched < 100 {
		t.Fatalf("only %d random strings had a URL password: the test says little", matched)
	}
	if mayHaveUserinfo(`{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#groups","mail":"a@b.invalid"}`) {
		t.Fatal("a Graph page with https:// and an address apart is not a URL password")
	}
}
