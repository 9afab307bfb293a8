package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// maxBody bounds what is read from an identity endpoint.
const maxBody = 4 << 20

// answer is a whole response: status, headers and the body, read up to maxBody.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a *answer) contentType() string { return a.header.Get("Content-Type") }

// send is auth's one way to the network: token and device-code requests,
// discovery, the user realm, CI assertion endpoints and managed identity
// endpoints all go through it, on the session's client (httpx's traced
// transport that redacts and never follows a redirect). A transport failure
// comes back without net/url's wrapping, which would repeat the URL unredacted.
func send(ctx context.Context, hc *http.Client, req *http.Request) (*answer, error) {
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req.WithContext(ctx))
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	a := &answer{status: resp.StatusCode, header: resp.Header, body: body}
	if err != nil {
		return a, &readError{err}
	}
	return a, nil
}

// readError is an answer whose body could not be read whole.
type readError struct{ err error }

func (e *readError) Error() string { return e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

// newRequest is a request with the Accept header every identity endpoint
// answers JSON to; body, when set, is a form.
func newRequest(method, u string, form url.Values) (*http.Request, error) {
	var req *http.Request
	var err error
	if form != nil {
		req, err = http.NewRequest(method, u, strings.NewReader(form.Encode()))
	} else {
		req, err = http.NewRequest(method, u, nil)
	}
	if err != nil {
		return nil, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept", "application/json")
	return req, nil
}

// postForm posts a form; user/pass, when set, go in HTTP Basic.
func postForm(ctx context.Context, hc *http.Client, endpoint string, form url.Values, user, pass string) (*answer, error) {
	req, err := newRequest(http.MethodPost, endpoint, form)
	if err != nil {
		return nil, fmt.Errorf("token request: %w", err)
	}
	if user != "" {
		// RFC 6749 §2.3.1: id and secret are form-encoded before Base64.
		req.SetBasicAuth(url.QueryEscape(user), url.QueryEscape(pass))
	}
	a, err := send(ctx, hc, req)
	var re *readError
	switch {
	case errors.As(err, &re):
		return nil, fmt.Errorf("POST %s: reading the answer (HTTP %d): %w", redactURL(endpoint), a.status, re.err)
	case err != nil && ctx.Err() != nil:
		return nil, ctx.Err()
	case err != nil:
		return nil, fmt.Errorf("POST %s: %w", redactURL(endpoint), err)
	}
	return a, nil
}

// post sends one request of the token client: the fields completed by p
// (the client, its authentication, the scope), at p.endpoint. sent is when
// it went, for a relative expiry.
func post(ctx context.Context, hc *http.Client, p tokenParams, fields url.Values) (a *answer, sent time.Time, err error) {
	form, err := p.form(fields)
	if err != nil {
		return nil, sent, err
	}
	user, pass := p.basicAuth()
	sent = time.Now()
	a, err = postForm(ctx, hc, p.endpoint, form, user, pass)
	return a, sent, err
}

// postToken sends one token request and parses the answer strictly.
func postToken(ctx context.Context, hc *http.Client, p tokenParams, grant url.Values) (*TokenResponse, error) {
	a, sent, err := post(ctx, hc, p, grant)
	if err != nil {
		return nil, err
	}
	return parseTokenResponse(p.endpoint, a.status, a.contentType(), a.body, sent)
}

// redactURL is a URL for an error line: no query, fragment or user
// information, which may carry codes or credentials.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(invalid URL)"
	}
	u.RawQuery, u.Fragment, u.User = "", "", nil
	return u.String()
}
