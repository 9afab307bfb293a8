package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/emulatortest"
)

// mfaBrowser is a person who signs in and, when the page asks, types the
// one-time code; pages tells the test which steps were shown.
func mfaBrowser(t *testing.T, e *emulator.Emulator, login, password, code string, pages *[]string) func(string) error {
	return inBrowser(t, func(authURL string) error { return mfaBrowse(e, authURL, login, password, code, pages) })
}

func mfaBrowse(e *emulator.Emulator, authURL, login, password, code string, pages *[]string) error {
	c := newBrowser(e)
	resp, err := c.Get(authURL)
	if err != nil {
		return err
	}
	fill := url.Values{"login": {login}, "passwd": {password}, "action": {"signin"}}
	for range 3 {
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); loc != "" {
			_, err := backToLoopback(loc)
			return err
		}
		action, form, ok := pageForm(authURL, page)
		if !ok {
			return fmt.Errorf("no form (HTTP %d): %.300s", resp.StatusCode, page)
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
		if resp, err = c.PostForm(action, form); err != nil {
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
