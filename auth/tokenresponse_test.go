package auth

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestTokenResponseExpiresInAsNumberOrString(t *testing.T) {
	for _, expires := range []any{3599, "3599"} {
		fe := newFakeEntra(t)
		fe.setToken(func(w http.ResponseWriter, _ string, _ url.Values) {
			writeJSON(w, 200, map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": expires})
		})
		before := time.Now()
		tr, err := ClientSecretToken(context.Background(), fe.srv.Client(), fe.cloud().TokenURL("t"), "c", "s", "x/.default")
		if err != nil {
			t.Fatalf("expires_in %#v: %v", expires, err)
		}
		if tr.ExpiresIn != 3599 || tr.ExpiresOn.Before(before.Add(3598*time.Second)) {
			t.Fatalf("expires_in %#v: got %d, %v", expires, tr.ExpiresIn, tr.ExpiresOn)
		}
	}
}

func TestTokenResponseWithoutAccessTokenIsAnError(t *testing.T) {
	fe := newFakeEntra(t)
	fe.setToken(func(w http.ResponseWriter, _ string, _ url.Values) {
		writeJSON(w, 200, map[string]any{"token_type": "Bearer", "expires_in": 3599})
	})
	_, err := ClientSecretToken(context.Background(), fe.srv.Client(), fe.cloud().TokenURL("t"), "c", "s", "x/.default")
	if err == nil || !strings.Contains(err.Error(), "no access_token") {
		t.Fatalf("got %v", err)
	}
}

func TestHTMLBodyGivesOneReadableLine(t *testing.T) {
	fe := newFakeEntra(t)
	fe.setToken(func(w http.ResponseWriter, _ string, _ url.Values) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(502)
		_, _ = w.Write([]byte("<html><body><h1>Bad gateway</h1>{\"secret\":1}</body></html>"))
	})
	_, err := ClientSecretToken(context.Background(), fe.srv.Client(), fe.cloud().TokenURL("t"), "c", "s3cr3t-value", "x/.default")
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, want := range []string{"HTTP 502", "text/html", "not JSON"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "\n") || strings.Contains(msg, "s3cr3t") || strings.Contains(msg, "<html>") {
		t.Errorf("error is not one clean line: %q", msg)
	}
}

func TestMalformedJSONDoesNotQuoteTheBody(t *testing.T) {
	fe := newFakeEntra(t)
	fe.setToken(func(w http.ResponseWriter, _ string, _ url.Values) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"eyJsecret-part", "expires_in": tru`))
	})
	_, err := ClientSecretToken(context.Background(), fe.srv.Client(), fe.cloud().TokenURL("t"), "c", "s", "x/.default")
	if err == nil || strings.Contains(err.Error(), "eyJsecret") {
		t.Fatalf("got %v", err)
	}
}

func TestEntraErrorFieldsAndHint(t *testing.T) {
	fe := newFakeEntra(t)
	fe.setToken(func(w http.ResponseWriter, _ string, _ url.Values) {
		b := entraErrorBody("invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.")
		writeJSON(w, 401, b)
	})
	_, err := ClientSecretToken(context.Background(), fe.srv.Client(), fe.cloud().TokenURL("t"), "c", "wrong-secret", "x/.default")
	var ee *EntraError
	if !errors.As(err, &ee) {
		t.Fatalf("not an EntraError: %v", err)
	}
	if ee.Err != "invalid_client" || !ee.HasCode(7000215) || ee.HTTPStatus != 401 || ee.TraceID != "0d4c1e2f-trace" ||
		ee.CorrelationID != "5e6f-corr" || ee.Timestamp != "2026-11-26 10:00:00Z" {
		t.Fatalf("fields: %+v", ee)
	}
	if strings.Contains(ee.Description, "Trace ID") || !strings.HasPrefix(ee.Description, "AADSTS7000215: Invalid client secret") {
		t.Fatalf("description: %q", ee.Description)
	}
	if !strings.Contains(ee.Hint(), "VALUE") || strings.Contains(err.Error(), "wrong-secret") {
		t.Fatalf("hint %q / error %q", ee.Hint(), err)
	}
}

func TestHintsForCommonCodes(t *testing.T) {
	cases := map[int]string{65001: "consent", 50076: "multi-factor", 53003: "Conditional Access", 700016: "tenant",
		70011: "one resource", 28000: "several resources", 70008: "log in again", 700082: "log in again", 50173: "log in again", 50126: "password"}
	for code, want := range cases {
		e, ok := parseOAuthError(400, []byte(`{"error":"x","error_description":"AADSTS`+itoa(code)+`: text"}`))
		if !ok {
			t.Fatal("not parsed")
		}
		if !e.HasCode(code) {
			t.Errorf("%d: code not read from the description", code)
		}
		if !strings.Contains(e.Hint(), want) {
			t.Errorf("%d: hint %q lacks %q", code, e.Hint(), want)
		}
	}
}

func TestSuberrorAndClaimsAreKept(t *testing.T) {
	body := `{"error":"invalid_grant","error_description":"AADSTS53003: Access has been blocked by Conditional Access policies.\r\nTrace ID: t","error_codes":[53003],"suberror":"message_only","claims":"{\"access_token\":{\"capolids\":{\"essential\":true}}}"}`
	e, ok := parseOAuthError(400, []byte(body))
	if !ok || e.Suberror != "message_only" || !strings.Contains(e.Claims, "capolids") {
		t.Fatalf("%+v", e)
	}
}
