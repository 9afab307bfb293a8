package auth

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// scriptedDevice answers /devicecode, then the polls in order with the
// given error names ("" = success).
func scriptedDevice(t *testing.T, expiresIn int, polls ...string) (*fakeEntra, *[]url.Values) {
	fe := newFakeEntra(t)
	var mu sync.Mutex
	var got []url.Values
	fe.dev = func(w http.ResponseWriter, _ string, f url.Values) {
		writeJSON(w, 200, map[string]any{"user_code": "FRWQDE7YL", "device_code": "BAQAB-device-secret",
			"verification_uri": "https://microsoft.com/devicelogin", "expires_in": expiresIn, "interval": "1",
			"message": "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code FRWQDE7YL to authenticate."})
	}
	fe.setToken(func(w http.ResponseWriter, _ string, f url.Values) {
		mu.Lock()
		n := len(got)
		got = append(got, f)
		mu.Unlock()
		next := "authorization_pending"
		if n < len(polls) {
			next = polls[n]
		}
		switch next {
		case "":
			writeJSON(w, 200, userTokenBody(t, "https://management.core.windows.net/", "https://management.core.windows.net//.default", "rt-1", true))
		case "authorization_pending", "slow_down":
			writeJSON(w, 400, entraErrorBody(next, 70016, "OAuth 2.0 device flow error. Authorization is pending. Continue polling."))
		case "expired_token":
			writeJSON(w, 400, entraErrorBody(next, 70020, "The provided value for the input parameter 'device_code' is not valid. This device code has expired."))
		default:
			writeJSON(w, 400, map[string]any{"error": next, "error_description": "stop"})
		}
	})
	return fe, &got
}

func deviceRequest(fe *fakeEntra) DeviceCodeRequest {
	c := fe.cloud()
	return DeviceCodeRequest{DeviceCodeURL: c.DeviceCodeURL("organizations"), TokenURL: c.TokenURL("organizations"),
		ClientID: AzureCLIClientID, Scope: userScope(DefaultScope), Extra: url.Values{"client_info": {"1"}}, unit: 5 * time.Millisecond}
}

func TestDeviceCodeHonoursIntervalAndSlowDown(t *testing.T) {
	fe, polls := scriptedDevice(t, 900, "authorization_pending", "slow_down", "authorization_pending", "")
	r := deviceRequest(fe)
	var waits []time.Duration
	r.onWait = func(d time.Duration) { waits = append(waits, d) }
	var shown DeviceCode
	r.OnCode = func(dc DeviceCode) { shown = dc }
	tr, err := DeviceCodeFlow(context.Background(), fe.srv.Client(), r)
	if err != nil {
		t.Fatal(err)
	}
	if tr.RefreshToken != "rt-1" || tr.Foci != "1" {
		t.Fatalf("token response: %+v", tr)
	}
	u := r.unit
	want := []time.Duration{u, u, 6 * u, 6 * u}
	if len(waits) != len(want) {
		t.Fatalf("waits %v, want %v", waits, want)
	}
	for i := range want {
		if waits[i] != want[i] {
			t.Fatalf("waits %v, want %v (interval, then +5 after slow_down)", waits, want)
		}
	}
	if !strings.Contains(shown.Message, "FRWQDE7YL") || shown.UserCode != "FRWQDE7YL" {
		t.Fatalf("message not shown: %+v", shown)
	}
	f := (*polls)[0]
	if f.Get("grant_type") != "urn:ietf:params:oauth:grant-type:device_code" || f.Get("device_code") != "BAQAB-device-secret" ||
		f.Get("client_id") != AzureCLIClientID || f.Get("client_info") != "1" {
		t.Fatalf("poll form: %v", f)
	}
	reqs := fe.requests()
	if reqs[0].Form.Get("scope") != "https://management.core.windows.net//.default offline_access openid profile" {
		t.Fatalf("devicecode scope: %q", reqs[0].Form.Get("scope"))
	}
}

func TestDeviceCodeStopsOnTerminalErrors(t *testing.T) {
	for _, name := range []string{"authorization_declined", "expired_token", "bad_verification_code"} {
		fe, polls := scriptedDevice(t, 900, "authorization_pending", name, "")
		_, err := DeviceCodeFlow(context.Background(), fe.srv.Client(), deviceRequest(fe))
		var ee *EntraError
		if !errors.As(err, &ee) || ee.Err != name {
			t.Fatalf("%s: got %v", name, err)
		}
		if ee.Hint() == "" {
			t.Errorf("%s: no hint", name)
		}
		if len(*polls) != 2 {
			t.Fatalf("%s: polled %d times, want 2 (stop at the error)", name, len(*polls))
		}
		if strings.Contains(err.Error(), "BAQAB-device-secret") {
			t.Fatal("device code leaked into the error")
		}
	}
}

func TestDeviceCodeStopsAtExpiresIn(t *testing.T) {
	fe, polls := scriptedDevice(t, 3) // always pending; expires after 3 units
	_, err := DeviceCodeFlow(context.Background(), fe.srv.Client(), deviceRequest(fe))
	if err == nil || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("got %v", err)
	}
	if len(*polls) > 3 {
		t.Fatalf("polled %d times within 3 intervals", len(*polls))
	}
}

func TestDeviceCodeCancelReturnsWithoutPolling(t *testing.T) {
	fe, polls := scriptedDevice(t, 900, "")
	r := deviceRequest(fe)
	r.unit = time.Hour // a poll would only come after an hour
	ctx, cancel := context.WithCancel(context.Background())
	r.OnCode = func(DeviceCode) { cancel() }
	_, err := DeviceCodeFlow(ctx, fe.srv.Client(), r)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	if len(*polls) != 0 {
		t.Fatalf("polled after cancel")
	}
}
