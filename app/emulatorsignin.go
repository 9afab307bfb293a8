package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/html"

	"github.com/azrepl/azrepl/emulator"
)

// With --emulator and no $BROWSER, a browser sign-in (login({flow:
// "browser"}), Databricks U2M) is done by the emulator's own sign-in: after
// the same short pause as a device code's approval, the sign-in page the
// browser would show is fetched, filled in as the approving user (the
// world's password, and its one-time code when the page asks for one) and
// submitted, and the redirect is followed to azrepl's loopback listener. It
// is the page a person would see, sent by a client instead of a person, so
// the flow, the trace and the tokens are those of a real browser sign-in.

// errNotSignInPage: the URL is not an authorize page (a device code's
// verification page: the emulator approves those itself).
var errNotSignInPage = errors.New("not a sign-in page")

// emulatorSignIn returns the opener that signs in on the emulator's pages as
// user after delay; its failures are reported on stderr (the login then
// waits, as it would for a person who closed the browser).
func emulatorSignIn(em *emulator.Emulator, user emulator.User, delay time.Duration, stderr io.Writer) func(string) error {
	return func(u string) error {
		p, err := url.Parse(u)
		if err != nil || p.Scheme != "https" || !strings.HasSuffix(p.Path, "/authorize") {
			return errNotSignInPage
		}
		fmt.Fprintf(stderr, "(the emulator signs in as %s on this page in a moment; set BROWSER to use a browser)\n", user.Username)
		go func() {
			time.Sleep(delay)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			c := signInClient(em)
			if err := submitSignIn(ctx, c, u, user); err != nil {
				fmt.Fprintf(stderr, "azrepl: the emulator's sign-in as %s failed: %v\n", user.Username, err)
				endAtLoopback(ctx, c, p, err)
			}
		}()
		return nil
	}
}

// endAtLoopback ends the login's wait at once: the loopback listener gets
// the error redirect an authorization server sends (RFC 6749 §4.1.2.1),
// instead of nothing until its timeout.
func endAtLoopback(ctx context.Context, c *http.Client, authorize *url.URL, cause error) {
	q := authorize.Query()
	redirect := q.Get("redirect_uri")
	if r, err := url.Parse(redirect); err != nil || !isLoopbackHost(r.Hostname()) {
		return
	}
	v := url.Values{"error": {"access_denied"}, "error_description": {"the emulator's sign-in failed: " + cause.Error()}}
	if st := q.Get("state"); st != "" {
		v.Set("state", st)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, redirect+"?"+v.Encode(), nil)
	if err != nil {
		return
	}
	if resp, err := c.Do(req); err == nil {
		resp.Body.Close()
	}
}

// signInClient reaches the emulator's host names through its proxy, trusting
// its CA, and the loopback listener directly; it keeps cookies and follows
// redirects as a browser does.
func signInClient(em *emulator.Emulator) *http.Client {
	c := em.HTTPClient()
	tr := c.Transport.(*http.Transport).Clone()
	if p := em.ProxyURL(); p != nil {
		tr.Proxy = func(r *http.Request) (*url.URL, error) {
			if isLoopbackHost(r.URL.Hostname()) {
				return nil, nil
			}
			return p, nil
		}
	}
	jar, _ := cookiejar.New(nil)
	return &http.Client{Transport: tr, Jar: jar, Timeout: time.Minute}
}

func isLoopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// submitSignIn fetches u and submits the forms it is shown (sign-in, one-time
// code, form_post) until the browser would land on the loopback redirect.
func submitSignIn(ctx context.Context, c *http.Client, u string, user emulator.User) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	for range 6 {
		resp, err := c.Do(req)
		if err != nil {
			return err
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if err != nil {
			return err
		}
		if isLoopbackHost(resp.Request.URL.Hostname()) {
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("the loopback listener answered %s", resp.Status)
			}
			return nil
		}
		f, ok := findForm(body)
		if !ok {
			return fmt.Errorf("%s showed no form (HTTP %d): %.200s", resp.Request.URL.Redacted(), resp.StatusCode, pageText(body))
		}
		action, err := resp.Request.URL.Parse(f.action)
		if err != nil {
			return err
		}
		if f.hasError {
			return fmt.Errorf("the sign-in page refused: %.200s", pageText(body))
		}
		values := f.fill(user)
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, action.String(), strings.NewReader(values.Encode()))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return errors.New("the sign-in did not reach the loopback redirect")
}

// form is a page's first form: where it goes and its named fields.
type form struct {
	action   string
	fields   []field
	submit   *field // the first submit button with a name that does not cancel
	hasError bool   // the page shows an error (role="alert")
}

type field struct{ name, value, kind string }

// fill is what a person would submit: the hidden fields as they are, the
// user's name, password or one-time code in the fields that ask for them.
func (f form) fill(u emulator.User) url.Values {
	v := url.Values{}
	for _, fd := range f.fields {
		switch strings.ToLower(fd.name) {
		case "login", "username", "email":
			v.Set(fd.name, u.Username)
		case "passwd", "password":
			v.Set(fd.name, u.Password)
		case "otc":
			v.Set(fd.name, u.OTPCode)
		default:
			v.Set(fd.name, fd.value)
		}
	}
	if f.submit != nil {
		v.Set(f.submit.name, f.submit.value)
	}
	return v
}

// findForm reads the first form of an HTML page.
func findForm(page []byte) (form, bool) {
	doc, err := html.Parse(strings.NewReader(string(page)))
	if err != nil {
		return form{}, false
	}
	var f form
	found := false
	var walk func(n *html.Node, inForm bool)
	walk = func(n *html.Node, inForm bool) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "form":
				if found {
					return
				}
				found, inForm = true, true
				f.action = attr(n, "action")
			case "input":
				if inForm && attr(n, "name") != "" {
					f.fields = append(f.fields, field{attr(n, "name"), attr(n, "value"), strings.ToLower(attr(n, "type"))})
				}
			case "button":
				name, value := attr(n, "name"), attr(n, "value")
				if inForm && f.submit == nil && name != "" && strings.ToLower(cmp.Or(attr(n, "type"), "submit")) == "submit" && value != "cancel" {
					f.submit = &field{name: name, value: value}
				}
			}
			if attr(n, "role") == "alert" {
				f.hasError = true
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inForm)
		}
	}
	walk(doc, false)
	return f, found
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// pageText is the visible text of a page, for an error line.
func pageText(page []byte) string {
	doc, err := html.Parse(strings.NewReader(string(page)))
	if err != nil {
		return ""
	}
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.Data == "style" || n.Data == "script" || n.Data == "title") {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data + " ")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return strings.Join(strings.Fields(b.String()), " ")
}
