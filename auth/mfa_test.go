package auth

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/emulatortest"
)

// mfaBrowser is a person who signs in and, when the page asks, types the
// one-time code; pages tells the test which steps were shown.
func mfaBrowser(t *testing.T, e *emulator.Emulator, login, password, code string, pages *[]string) func(string) error {
	return func(authURL string) error {
		go func() {
			if err := mfaBrowse(e, authURL, login, password, code, pages); err != nil {
				t.Errorf("browser: %v", err)
			}
		}()
		return nil
	}
}

func mfaBrowse(e *emulator.Emulator, authURL, login, password, code string, pages *[]string) error {
	jar, _ := cookiejar.New(nil)
	c := e.HTTPClient()
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Get(authURL)
	if err != nil {
		return err
	}
	fill := url.Values{"login": {login}, "passwd": {password}, "action": {"signin"}}
	for range 3 {
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); loc != "" {
			resp, err = (&http.Client{Timeout: 10 * time.Second}).Get(strings.Replace(loc, "//localhost:", "//127.0.0.1:", 1))
			if err != nil {
				return err
			}
			resp.Body.Close()
			return nil
		}
		m := formAction.FindSubmatch(page)
		if m == nil {
			return fmt.Errorf("no form (HTTP %d): %.300s", resp.StatusCode, page)
		}
		form := url.Values{}
		for _, h := range hiddenInput.FindAllSubmatch(page, -1) {
			form.Set(html.UnescapeString(string(h[1])), html.UnescapeString(string(h[2])))
		}
		if strings.Contains(string(page), `name="otc"`) {
			*pages = append(*pages, "code")
			form.Set("otc", code)
		} else {
			*pages = append(*pages, "password")
			for k, v := range fill {
				form[k] = v
			}
		}
		action, _ := url.Parse(authURL)
		action, _ = action.Parse(html.UnescapeString(string(m[1])))
		if resp, err = c.PostForm(action.String(), form); err != nil {
			return err
		}
	}
	return errors.New("the sign-in never redirected back")
}

// carol must do MFA for Graph: after a login for ARM, a Graph token answers
// 50076 and azrepl's one line names the login to run; that login asks for
// her code, and Graph tokens work after it.
func TestEmulatorMFARequired(t *testing.T) {
	dir := t.TempDir()
	e := startEmulator(t, emulator.Config{Dir: dir})
	carol := emulatortest.User(t, e, "carol")
	var pages []string
	s := emulatorSession(t, e, nil, mfaBrowser(t, e, carol.Username, carol.Password, carol.OTPCode, &pages))
	ctx := context.Background()
	if _, err := s.Login(ctx, LoginOptions{Flow: FlowBrowser}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(pages, ",") != "password" {
		t.Fatalf("an ARM login asked %v", pages)
	}
	const graph = "https://graph.microsoft.com/.default"
	_, err := s.Token(ctx, graph, TokenOptions{})
	var ee *EntraError
	if !errors.As(err, &ee) || !ee.HasCode(50076) || ee.Suberror != "basic_action" || ee.Claims == "" {
		t.Fatalf("want AADSTS50076 with suberror and claims, got %v", err)
	}
	if msg := err.Error(); !strings.Contains(msg, `run login({flow: "browser", scope: "`+graph+`"})`) || strings.ContainsAny(msg, "\r\n") {
		t.Fatalf("error line: %s", msg)
	}
	pages = nil
	if _, err := s.Login(ctx, LoginOptions{Flow: FlowBrowser, Scope: graph}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(pages, ",") != "password,code" {
		t.Fatalf("the Graph login asked %v", pages)
	}
	tok, err := s.Token(ctx, graph, TokenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if amr := fmt.Sprint(tok.Claims["amr"]); !strings.Contains(amr, "mfa") {
		t.Fatalf("amr %s", amr)
	}
}
