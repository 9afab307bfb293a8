package auth

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// codeServer plays the authorization server's token endpoint: it issues
// tokens for the one code it handed out if the PKCE verifier matches.
type codeServer struct {
	mu        sync.Mutex
	challenge string
	nonce     string
	redirect  string
	badNonce  bool
}

func (cs *codeServer) token(t *testing.T) func(http.ResponseWriter, string, url.Values) {
	return func(w http.ResponseWriter, _ string, f url.Values) {
		cs.mu.Lock()
		defer cs.mu.Unlock()
		sum := sha256.Sum256([]byte(f.Get("code_verifier")))
		switch {
		case f.Get("grant_type") != "authorization_code" || f.Get("code") != "the-code":
			writeJSON(w, 400, entraErrorBody("invalid_grant", 54005, "OAuth2 Authorization code was already redeemed."))
		case base64.RawURLEncoding.EncodeToString(sum[:]) != cs.challenge:
			writeJSON(w, 400, entraErrorBody("invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request."))
		case f.Get("redirect_uri") != cs.redirect:
			writeJSON(w, 400, entraErrorBody("invalid_grant", 50011, "redirect URI mismatch"))
		default:
			b := userTokenBody(t, "https://management.core.windows.net/", "https://management.core.windows.net//.default", "rt-code", true)
			nonce := cs.nonce
			if cs.badNonce {
				nonce = "other"
			}
			b["id_token"] = fakeJWT(t, map[string]any{"aud": AzureCLIClientID, "tid": "11111111-2222-3333-4444-555555555555",
				"oid": "aaaaaaaa-0000-0000-0000-000000000001", "preferred_username": "alice@contoso.test", "nonce": nonce})
			writeJSON(w, 200, b)
		}
	}
}

// browser is the person: it reads the authorize URL and drives the
// loopback listener as a redirect would, through a client with no proxy.
func (cs *codeServer) browser(t *testing.T, formPost bool, steps func(send func(state, code string) (int, string))) func(string) error {
	return func(raw string) error {
		u, err := url.Parse(raw)
		if err != nil {
			return err
		}
		q := u.Query()
		cs.mu.Lock()
		cs.challenge, cs.nonce, cs.redirect = q.Get("code_challenge"), q.Get("nonce"), q.Get("redirect_uri")
		cs.mu.Unlock()
		if q.Get("code_challenge_method") != "S256" || q.Get("response_type") != "code" || len(q.Get("state")) < 16 {
			t.Errorf("authorize URL: %v", q)
		}
		if !strings.HasPrefix(q.Get("redirect_uri"), "http://localhost:") {
			t.Errorf("redirect_uri %q", q.Get("redirect_uri"))
		}
		target := strings.Replace(q.Get("redirect_uri"), "localhost", "127.0.0.1", 1)
		client := &http.Client{Timeout: 10 * time.Second}
		send := func(state, code string) (int, string) {
			v := url.Values{"code": {code}, "state": {state}}
			var resp *http.Response
			var err error
			if formPost {
				resp, err = client.PostForm(target, v)
			} else {
				resp, err = client.Get(target + "/?" + v.Encode())
			}
			if err != nil {
				return 0, err.Error()
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b)
		}
		go steps(func(state, code string) (int, string) {
			if state == "" {
				state = q.Get("state")
			}
			return send(state, code)
		})
		return nil
	}
}

func authCodeRequest(fe *fakeEntra) AuthCodeRequest {
	c := fe.cloud()
	return AuthCodeRequest{AuthorizeURL: c.AuthorizeURL("organizations"), TokenURL: c.TokenURL("organizations"),
		ClientID: AzureCLIClientID, Scope: userScope(DefaultScope), Nonce: true, Timeout: 20 * time.Second}
}

func TestAuthCodeRefusesWrongStateThenAcceptsOneCode(t *testing.T) {
	for _, formPost := range []bool{false, true} {
		fe := newFakeEntra(t)
		cs := &codeServer{}
		fe.setToken(cs.token(t))
		r := authCodeRequest(fe)
		if formPost {
			r.ResponseMode = "form_post"
		}
		results := make(chan [3]any, 1)
		r.OpenURL = cs.browser(t, formPost, func(send func(string, string) (int, string)) {
			s1, _ := send("forged-state", "evil-code")
			s2, body := send("", "the-code")
			s3, _ := send("", "second-code")
			results <- [3]any{s1, [2]any{s2, body}, s3}
		})
		tr, err := AuthCodeFlow(context.Background(), fe.srv.Client(), r)
		if err != nil {
			t.Fatalf("form_post=%v: %v", formPost, err)
		}
		res := <-results
		if res[0] != http.StatusBadRequest {
			t.Errorf("wrong state answered %v, want 400", res[0])
		}
		ok := res[1].([2]any)
		if ok[0] != http.StatusOK || !strings.Contains(ok[1].(string), "close this tab") {
			t.Errorf("good code answered %v", ok)
		}
		if res[2] == http.StatusOK {
			t.Errorf("a second code was accepted")
		}
		if tr.RefreshToken != "rt-code" {
			t.Fatalf("token: %+v", tr)
		}
		for _, rec := range fe.requests() {
			if rec.Form.Get("code") == "evil-code" || rec.Form.Get("code") == "second-code" {
				t.Fatalf("a refused code was redeemed")
			}
		}
	}
}

func TestAuthCodeChecksNonce(t *testing.T) {
	fe := newFakeEntra(t)
	cs := &codeServer{badNonce: true}
	fe.setToken(cs.token(t))
	r := authCodeRequest(fe)
	r.OpenURL = cs.browser(t, false, func(send func(string, string) (int, string)) { send("", "the-code") })
	_, err := AuthCodeFlow(context.Background(), fe.srv.Client(), r)
	if err == nil || !strings.Contains(err.Error(), "nonce") {
		t.Fatalf("got %v", err)
	}
}

func TestAuthCodeErrorRedirect(t *testing.T) {
	fe := newFakeEntra(t)
	cs := &codeServer{}
	fe.setToken(cs.token(t))
	r := authCodeRequest(fe)
	r.OpenURL = func(raw string) error {
		u, _ := url.Parse(raw)
		q := u.Query()
		target := strings.Replace(q.Get("redirect_uri"), "localhost", "127.0.0.1", 1)
		go func() {
			v := url.Values{"error": {"access_denied"}, "error_description": {"AADSTS65004: User declined to consent.\r\nTrace ID: x"}, "state": {q.Get("state")}}
			resp, err := http.Get(target + "/?" + v.Encode())
			if err == nil {
				resp.Body.Close()
			}
		}()
		return nil
	}
	_, err := AuthCodeFlow(context.Background(), fe.srv.Client(), r)
	var ee *EntraError
	if !errors.As(err, &ee) || ee.Err != "access_denied" || strings.Contains(ee.Description, "Trace") {
		t.Fatalf("got %v", err)
	}
}

func TestAuthCodeTimesOutAndCancels(t *testing.T) {
	fe := newFakeEntra(t)
	r := authCodeRequest(fe)
	r.Timeout = 50 * time.Millisecond
	if _, err := AuthCodeFlow(context.Background(), fe.srv.Client(), r); err == nil || !strings.Contains(err.Error(), "within") {
		t.Fatalf("time-out: %v", err)
	}
	r.Timeout = time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	r.OpenURL = func(string) error { cancel(); return nil }
	if _, err := AuthCodeFlow(ctx, fe.srv.Client(), r); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancel: %v", err)
	}
}
