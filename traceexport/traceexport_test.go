package traceexport

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/httpx"
	"github.com/azrepl/azrepl/internal/tabletest"
)

// jwt builds an unsigned-looking JWS with the claims (the signature part
// is random bytes: the exports never need it).
func jwt(claims map[string]any) string {
	h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`))
	p, _ := json.Marshal(claims)
	return h + "." + base64.RawURLEncoding.EncodeToString(p) + ".c2lnbmF0dXJlLW9mLXRoZS10b2tlbg"
}

// traceOf records a client-credentials exchange, a Graph 403 and a request
// that gets no answer, through httpx's real traced client.
func traceOf(t *testing.T) ([]httpx.Exchange, string) {
	t.Helper()
	exp := float64(time.Now().Add(time.Hour).Unix())
	graphTok := jwt(map[string]any{"aud": "https://graph.microsoft.com", "roles": []any{"User.Read.All"}, "exp": exp, "tid": "t1", "nonce": "n0nce-value"})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(r.URL.Path, "/oauth2/v2.0/token"):
			_ = json.NewEncoder(w).Encode(map[string]any{"token_type": "Bearer", "expires_in": 3599, "access_token": graphTok})
		default:
			w.WriteHeader(403)
			_, _ = w.Write([]byte(`{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges; see #docs"}}`))
		}
	}))
	defer srv.Close()
	c := httpx.New(httpx.Options{})
	hc := c.HTTPClient()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"app"}, "client_secret": {"s3cr3t-value-123"}, "scope": {"https://graph.microsoft.com/.default"}}
	resp, err := hc.PostForm(srv.URL+"/t1/oauth2/v2.0/token", form)
	if err != nil {
		t.Fatal(err)
	}
	var tb bytes.Buffer
	_, _ = tb.ReadFrom(resp.Body)
	resp.Body.Close()
	req, _ := http.NewRequestWithContext(context.Background(), "GET", srv.URL+"/v1.0/groups?$top=5&sig=abc", nil)
	req.Header.Set("Authorization", "Bearer "+graphTok)
	resp, err = hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	resp.Body.Close()
	// No answer: a closed port.
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	if resp, err := hc.Get(deadURL + "/v1.0/me"); err == nil {
		resp.Body.Close()
		t.Fatal("a closed server answered")
	}
	return c.Trace(), graphTok
}

func TestExports(t *testing.T) {
	all, tok := traceOf(t)
	if len(all) != 3 {
		t.Fatalf("trace has %d exchanges", len(all))
	}
	if len(all[1].Tokens) != 1 || all[1].Tokens[0].Claims["aud"] != "https://graph.microsoft.com" || all[1].Tokens[0].Claims["nonce"] != nil {
		t.Errorf("the Graph call's token claims: %+v", all[1].Tokens)
	}

	steps := Steps(all)
	if steps[0].To != Entra || steps[0].Request != "token: client_credentials" || steps[0].Audience != "https://graph.microsoft.com" {
		t.Errorf("token step: %+v", steps[0])
	}
	if steps[1].To != Graph || !steps[1].Failed || steps[1].Answer != "403 Authorization_RequestDenied" {
		t.Errorf("Graph step: %+v", steps[1])
	}
	if !steps[2].Failed || steps[2].Answer != "no answer" {
		t.Errorf("dead step: %+v", steps[2])
	}

	m := Mermaid(all)
	for _, want := range []string{"sequenceDiagram\n", "participant P0 as azrepl", "participant P1 as Entra ID", "participant P2 as Graph",
		"P0->>P1: 1. token: client_credentials", "P1-->>P0: 200 access token for Graph", "P0->>P2: 2. GET /v1.0/groups [aud Graph]", "P2--xP0: 403 Authorization_RequestDenied"} {
		if !strings.Contains(m, want) {
			t.Errorf("Mermaid lacks %q:\n%s", want, m)
		}
	}
	for _, l := range strings.Split(m, "\n") {
		if _, msg, ok := strings.Cut(l, ": "); ok && strings.ContainsAny(msg, ";#") {
			t.Errorf("Mermaid message with ; or #: %q", l)
		}
	}

	var h, har, rep bytes.Buffer
	if err := HTTPFile(&h, all); err != nil {
		t.Fatal(err)
	}
	if err := HAR(&har, all, "test"); err != nil {
		t.Fatal(err)
	}
	if err := Report(&rep, all, ReportOptions{Version: "test"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"@client_secret =", "@token_graph_microsoft_com =", "client_secret={{client_secret}}", "Authorization: Bearer {{token_graph_microsoft_com}}", "### 3. GET /v1.0/me → no answer"} {
		if !strings.Contains(h.String(), want) {
			t.Errorf(".http lacks %q:\n%s", want, h.String())
		}
	}
	var parsed struct {
		Log struct {
			Entries []struct {
				Response struct{ Status int }
				Error    string `json:"_error"`
			}
		}
	}
	if err := json.Unmarshal(har.Bytes(), &parsed); err != nil || len(parsed.Log.Entries) != 3 || parsed.Log.Entries[1].Response.Status != 403 || parsed.Log.Entries[2].Error == "" {
		t.Errorf("HAR: %v %+v", err, parsed)
	}
	r := rep.String()
	for _, want := range []string{`<svg`, `class="step" data-index="2"`, `Authorization_RequestDenied`, `Hint: signed in but not allowed`,
		`<td class="aud">https://graph.microsoft.com</td>`, `<td class="roles">User.Read.All</td>`, `default-src 'none'`} {
		if !strings.Contains(r, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(r, "<script") {
		t.Error("the report has a script")
	}
	for name, text := range map[string]string{"http": h.String(), "har": har.String(), "report": r, "mermaid": m} {
		for _, secret := range []string{tok, "s3cr3t-value-123", "c2lnbmF0dXJlLW9mLXRoZS10b2tlbg", "n0nce-value"} {
			if strings.Contains(text, secret) {
				t.Errorf("%s export shows %.20q", name, secret)
			}
		}
	}
}

// Only the real hosts of a service are named as that service in the
// diagram; a look-alike keeps its own name.
func TestParticipantsAreRealHostsOnly(t *testing.T) {
	tabletest.Each(t, "participantOf", participantOf, map[string]string{
		"https://login.microsoftonline.com/t/oauth2/v2.0/token": Entra,
		"https://graph.microsoft.com/v1.0/me":                   Graph,
		"https://management.azure.com/subscriptions":            ARM,
		"https://adb-1.7.azuredatabricks.net/api/2.0/clusters":  Databricks,
		"https://login.evil.example/t/oauth2/v2.0/token":        "login.evil.example",
		"https://graph.evil.example/v1.0/me":                    "graph.evil.example",
		"https://management.evil.example/subscriptions":         "management.evil.example",
		"https://databricks.evil.example/api/2.0/clusters":      "databricks.evil.example",
		"https://login.microsoft.com.evil.example/token":        "login.microsoft.com.evil.example",
	})
}

// Server text in a Mermaid label is never markup: <, >, & and " are
// Mermaid entity codes, control characters are escaped, a newline cannot
// start a statement.
func TestMermaidLabelsEscapeServerText(t *testing.T) {
	got := mermaidText("403 <img src=x onerror=alert(1)> & \"q\"\n    P0->>P9: forged\x1b[2J")
	for _, bad := range []string{"<", ">", `"`, "\n", "\x1b", "& "} {
		if strings.Contains(got, bad) {
			t.Errorf("label %q carries %q", got, bad)
		}
	}
	if !strings.Contains(got, "#lt;img src=x onerror=alert(1)#gt;") {
		t.Errorf("label %q", got)
	}
}
