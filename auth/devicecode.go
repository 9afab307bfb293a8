package auth

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DeviceCode is the answer of the device authorization endpoint
// (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-device-code). DeviceCodeValue is a secret: never print it.
type DeviceCode struct {
	UserCode        string
	DeviceCodeValue string
	VerificationURI string
	Message         string
	ExpiresIn       time.Duration
	Interval        time.Duration
	ExpiresAt       time.Time
}

// DeviceCodeRequest describes one device authorization grant (RFC 8628).
type DeviceCodeRequest struct {
	DeviceCodeURL string // .../oauth2/v2.0/devicecode
	TokenURL      string // .../oauth2/v2.0/token (same tenant segment)
	ClientID      string
	// ClientSecret, for confidential device clients (RFC 8628 §3.1 allows
	// them), goes in HTTP Basic. Entra's public clients leave it empty.
	ClientSecret string
	Scope        string
	Extra        url.Values // added to the polls (client_info=1, claims)
	// OnCode shows the message to the person (the code, the URL).
	OnCode func(DeviceCode)
	// OnPoll is called before each wait with the time left before the
	// code expires, for a countdown.
	OnPoll func(remaining time.Duration)

	unit   time.Duration       // one "second" of interval; tests shorten it
	onWait func(time.Duration) // tests observe the waits
}

type deviceCodeBody struct {
	UserCode        string  `json:"user_code"`
	DeviceCode      string  `json:"device_code"`
	VerificationURI string  `json:"verification_uri"`
	VerificationURL string  `json:"verification_url"` // the v1 spelling
	Message         string  `json:"message"`
	ExpiresIn       flexInt `json:"expires_in"`
	Interval        flexInt `json:"interval"`
}

// StartDeviceCode asks for a device code and user code.
func StartDeviceCode(ctx context.Context, hc *http.Client, r DeviceCodeRequest) (*DeviceCode, error) {
	p := r.params(r.DeviceCodeURL)
	p.scope = r.Scope
	a, start, err := deviceAuthorization(ctx, hc, p)
	if err != nil {
		return nil, err
	}
	body, status, ctype := a.body, a.status, a.contentType()
	if !isJSON(ctype, body) {
		return nil, fmt.Errorf("POST %s: HTTP %d answered %s, not JSON (%d bytes)", redactURL(r.DeviceCodeURL), status, describeType(ctype), len(body))
	}
	if status < 200 || status > 299 {
		if e, ok := parseOAuthError(status, body); ok {
			return nil, e
		}
		return nil, fmt.Errorf("POST %s: HTTP %d", redactURL(r.DeviceCodeURL), status)
	}
	var b deviceCodeBody
	if err := json.Unmarshal(body, &b); err != nil {
		return nil, fmt.Errorf("device code response: %s", jsonErrorWithoutData(err))
	}
	if b.DeviceCode == "" || b.UserCode == "" {
		return nil, errors.New("device code response has no device_code or user_code")
	}
	dc := &DeviceCode{UserCode: b.UserCode, DeviceCodeValue: b.DeviceCode,
		VerificationURI: cmp.Or(b.VerificationURI, b.VerificationURL), Message: b.Message}
	unit := r.unitOrSecond()
	// MSAL Python's defaults when the fields are absent.
	dc.Interval, dc.ExpiresIn = 5*unit, 1800*unit
	if b.Interval.set && b.Interval.v > 0 {
		dc.Interval = time.Duration(b.Interval.v) * unit
	}
	if b.ExpiresIn.set && b.ExpiresIn.v > 0 {
		dc.ExpiresIn = time.Duration(b.ExpiresIn.v) * unit
	}
	dc.ExpiresAt = start.Add(dc.ExpiresIn)
	if dc.Message == "" {
		dc.Message = fmt.Sprintf("To sign in, use a web browser to open the page %s and enter the code %s to authenticate.", dc.VerificationURI, dc.UserCode)
	}
	// The server's words go to the terminal: no escape sequences.
	dc.Message, dc.UserCode, dc.VerificationURI = escapeControls(dc.Message), escapeControls(dc.UserCode), escapeControls(dc.VerificationURI)
	return dc, nil
}

func (r DeviceCodeRequest) unitOrSecond() time.Duration {
	if r.unit > 0 {
		return r.unit
	}
	return time.Second
}

// PollDeviceCode polls the token endpoint until the person signs in, the
// code expires, it is declined, or ctx is cancelled. It waits Interval
// before each poll and adds 5 s on slow_down (RFC 8628 §3.5).
func PollDeviceCode(ctx context.Context, hc *http.Client, r DeviceCodeRequest, dc *DeviceCode) (*TokenResponse, error) {
	p := r.params(r.TokenURL)
	p.extra = r.Extra
	interval := dc.Interval
	for {
		remaining := time.Until(dc.ExpiresAt)
		if remaining <= 0 {
			return nil, errors.New("device code expired before sign-in finished: start login() again")
		}
		if r.OnPoll != nil {
			r.OnPoll(remaining)
		}
		wait := min(interval, remaining)
		if r.onWait != nil {
			r.onWait(wait)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("device code login cancelled: %w", ctx.Err())
		case <-t.C:
		}
		tr, err := deviceCodeGrant(ctx, hc, p, dc.DeviceCodeValue)
		if err == nil {
			return tr, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("device code login cancelled: %w", ctx.Err())
		}
		var ee *EntraError
		if !errors.As(err, &ee) {
			return nil, err
		}
		switch ee.Err {
		case "authorization_pending":
			// keep polling
		case "slow_down":
			interval += 5 * r.unitOrSecond()
		default:
			// authorization_declined, expired_token, bad_verification_code...
			return nil, ee
		}
	}
}

// DeviceCodeFlow runs the whole grant: code, message, polling.
func DeviceCodeFlow(ctx context.Context, hc *http.Client, r DeviceCodeRequest) (*TokenResponse, error) {
	dc, err := StartDeviceCode(ctx, hc, r)
	if err != nil {
		return nil, err
	}
	if r.OnCode != nil {
		r.OnCode(*dc)
	}
	return PollDeviceCode(ctx, hc, r, dc)
}

// params are the request's client and endpoint; a confidential device
// client sends its secret in HTTP Basic.
func (r DeviceCodeRequest) params(endpoint string) tokenParams {
	return tokenParams{endpoint: endpoint, clientID: r.ClientID, auth: clientAuth{secret: r.ClientSecret, basic: true}}
}

// escapeControls shows control characters as \xHH (newlines and tabs stay).
func escapeControls(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || r >= 0x80 && r < 0xa0 {
			fmt.Fprintf(&b, "\\x%02x", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
