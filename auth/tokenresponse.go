package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// TokenResponse is a successful token-endpoint answer (RFC 6749 §5.1 plus
// Entra's additions). ExpiresOn is computed when the answer is read.
type TokenResponse struct {
	AccessToken  string
	TokenType    string
	Scope        string
	RefreshToken string
	IDToken      string
	ClientInfo   string // base64url JSON {"uid","utid"}
	Foci         string // "1" for family-of-client-ids apps
	ExpiresIn    int64
	ExpiresOn    time.Time
	Resource     string    // v1 answers: the resource the token is for
	NotBefore    time.Time // v1 answers: not_before
}

// flexInt accepts a JSON number or a numeric string (seen from managed
// identity endpoints and older servers).
type flexInt struct {
	v   int64
	set bool
}

func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		return nil
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("not a number: %.20q", s)
	}
	f.v, f.set = int64(n), true
	return nil
}

type tokenBody struct {
	AccessToken  string  `json:"access_token"`
	TokenType    string  `json:"token_type"`
	Scope        string  `json:"scope"`
	RefreshToken string  `json:"refresh_token"`
	IDToken      string  `json:"id_token"`
	ClientInfo   string  `json:"client_info"`
	Foci         string  `json:"foci"`
	ExpiresIn    flexInt `json:"expires_in"`
	ExpiresOn    flexInt `json:"expires_on"`
	Resource     string  `json:"resource"`
	NotBefore    flexInt `json:"not_before"`
}

// maxBody bounds what is read from an identity endpoint.
const maxBody = 4 << 20

// postForm sends one form POST and returns the body, status and content
// type. user/pass, when set, go in HTTP Basic (Databricks M2M).
func postForm(ctx context.Context, hc *http.Client, endpoint string, form url.Values, user, pass string) ([]byte, int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, 0, "", fmt.Errorf("token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if user != "" {
		// RFC 6749 §2.3.1: id and secret are form-encoded before Base64.
		req.SetBasicAuth(url.QueryEscape(user), url.QueryEscape(pass))
	}
	resp, err := httpClient(hc).Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, 0, "", ctx.Err()
		}
		return nil, 0, "", fmt.Errorf("POST %s: %w", redactURL(endpoint), unwrapURLError(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, resp.StatusCode, "", fmt.Errorf("POST %s: reading the answer (HTTP %d): %w", redactURL(endpoint), resp.StatusCode, err)
	}
	return body, resp.StatusCode, resp.Header.Get("Content-Type"), nil
}

// requestToken posts a token request and parses the answer strictly.
func requestToken(ctx context.Context, hc *http.Client, endpoint string, form url.Values, user, pass string) (*TokenResponse, error) {
	start := time.Now()
	body, status, ctype, err := postForm(ctx, hc, endpoint, form, user, pass)
	if err != nil {
		return nil, err
	}
	return parseTokenResponse(endpoint, status, ctype, body, start)
}

// parseTokenResponse turns an answer into a TokenResponse or a typed error.
// An HTML page (a proxy's error page) or other non-JSON body becomes one
// readable line naming the status and content type, never a parse dump.
func parseTokenResponse(endpoint string, status int, ctype string, body []byte, sent time.Time) (*TokenResponse, error) {
	if !isJSON(ctype, body) {
		return nil, fmt.Errorf("POST %s: HTTP %d answered %s, not JSON (%d bytes): is a proxy or captive portal in the way?",
			redactURL(endpoint), status, describeType(ctype), len(body))
	}
	if status < 200 || status > 299 {
		if e, ok := parseOAuthError(status, body); ok {
			return nil, e
		}
		return nil, fmt.Errorf("POST %s: HTTP %d with a JSON body that is not an OAuth error", redactURL(endpoint), status)
	}
	var tb tokenBody
	if err := json.Unmarshal(body, &tb); err != nil {
		return nil, fmt.Errorf("POST %s: HTTP %d: malformed token response: %s", redactURL(endpoint), status, jsonErrorWithoutData(err))
	}
	if tb.AccessToken == "" {
		if e, ok := parseOAuthError(status, body); ok {
			return nil, e
		}
		return nil, fmt.Errorf("POST %s: HTTP %d: token response has no access_token", redactURL(endpoint), status)
	}
	tr := &TokenResponse{AccessToken: tb.AccessToken, TokenType: tb.TokenType, Scope: tb.Scope,
		RefreshToken: tb.RefreshToken, IDToken: tb.IDToken, ClientInfo: tb.ClientInfo, Foci: tb.Foci, Resource: tb.Resource}
	if tr.TokenType == "" {
		tr.TokenType = "Bearer"
	}
	if tb.NotBefore.set {
		tr.NotBefore = time.Unix(tb.NotBefore.v, 0)
	}
	switch {
	case tb.Resource != "" && tb.ExpiresOn.set:
		// A v1 answer: expires_on is the server's own absolute time (what
		// az and ADAL report); expires_in is the same instant, relative.
		tr.ExpiresOn = time.Unix(tb.ExpiresOn.v, 0)
		tr.ExpiresIn = int64(time.Until(tr.ExpiresOn) / time.Second)
	case tb.ExpiresIn.set:
		tr.ExpiresIn = tb.ExpiresIn.v
		tr.ExpiresOn = sent.Add(time.Duration(tb.ExpiresIn.v) * time.Second)
	case tb.ExpiresOn.set:
		tr.ExpiresOn = time.Unix(tb.ExpiresOn.v, 0)
		tr.ExpiresIn = int64(time.Until(tr.ExpiresOn) / time.Second)
	default:
		// No lifetime given: read it from the token when it is a JWT.
		if j, err := DecodeJWT(tb.AccessToken); err == nil && j.UnixClaim("exp") > 0 {
			tr.ExpiresOn = time.Unix(j.UnixClaim("exp"), 0)
		} else {
			tr.ExpiresOn = sent.Add(time.Hour)
		}
		tr.ExpiresIn = int64(time.Until(tr.ExpiresOn) / time.Second)
	}
	return tr, nil
}

func isJSON(ctype string, body []byte) bool {
	mt, _, _ := mime.ParseMediaType(ctype)
	if strings.HasSuffix(mt, "json") {
		return true
	}
	// Some servers omit the content type: accept a body that is an object.
	t := bytes.TrimSpace(body)
	return (mt == "" || mt == "text/plain") && len(t) > 0 && t[0] == '{'
}

func describeType(ctype string) string {
	if ctype == "" {
		return "no content type"
	}
	mt, _, err := mime.ParseMediaType(ctype)
	if err != nil {
		return fmt.Sprintf("%.40q", ctype)
	}
	return mt
}

// jsonErrorWithoutData keeps the kind of a JSON error but not the data it
// quotes, which could be part of a token.
func jsonErrorWithoutData(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("invalid JSON at byte %d", se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("field %q has the wrong type (%s)", te.Field, te.Value)
	}
	return "invalid JSON"
}

// redactURL drops the query string, which may carry codes.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(invalid URL)"
	}
	u.RawQuery, u.Fragment, u.User = "", "", nil
	return u.String()
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func httpClient(hc *http.Client) *http.Client {
	if hc == nil {
		return http.DefaultClient
	}
	return hc
}
