package auth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
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
