package entra_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/internal/fixture"
)

var hiddenField = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// formOf posts a form and returns the answer's status, page and redirect.
func formOf(t *testing.T, c *http.Client, u string, form url.Values) (int, string, string) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header.Get("Location")
}

func hiddenFields(page string) url.Values {
	v := url.Values{}
	for _, m := range hiddenField.FindAllStringSubmatch(page, -1) {
		v.Set(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	return v
}

// carol must do MFA for Graph: ROPC and a refresh without MFA get 50076
// with suberror and a claims string; the sign-in page asks her code; the
// code's session then gets Graph tokens; the device code flow is blocked.
func TestMFAAndConditionalAccess(t *testing.T) {
	em := startEmulator(t, emulator.Config{Groups: 1})
	c, w := em.HTTPClient(), em.World()
	carol := w.User("carol")
	tok := fixture.LoginURL(w.TenantID, "token")
	pw := func(scope string) (int, map[string]any) {
		return fixture.PostForm(t, c, tok, url.Values{"grant_type": {"password"}, "client_id": {fixture.AzureCLI}, "username": {carol.Username},
			"password": {carol.Password}, "scope": {scope + " offline_access"}})
	}
	st, body := pw("https://graph.microsoft.com/.default")
	fixture.WantEntraError(t, st, body, 400, "invalid_grant", 50076)
	var claims map[string]any
	if body["suberror"] != "basic_action" || json.Unmarshal([]byte(body["claims"].(string)), &claims) != nil || claims["access_token"] == nil {
		t.Fatalf("50076 body: %v", body)
	}
	st, arm := pw("https://management.azure.com/.default")
	if st != 200 {
		t.Fatalf("ARM needs no MFA: %d %v", st, arm)
	}
	st, body = fixture.PostForm(t, c, tok, url.Values{"grant_type": {"refresh_token"}, "client_id": {fixture.AzureCLI},
		"refresh_token": {arm["refresh_token"].(string)}, "scope": {"https://graph.microsoft.com/.default"}})
	fixture.WantEntraError(t, st, body, 400, "invalid_grant", 50076)

	// The sign-in page with the claims passed back: password, then the code.
	b := noRedirect(em)
	verifier := "v-" + strings.Repeat("x", 43)
	sum := sha256.Sum256([]byte(verifier))
	authz := fixture.LoginURL("organizations", "authorize")
	start := url.Values{"client_id": {fixture.AzureCLI}, "response_type": {"code"}, "redirect_uri": {"http://localhost:8400"},
		"scope": {"https://graph.microsoft.com/.default offline_access openid"}, "claims": {body["claims"].(string)},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"},
		"login": {carol.Username}, "passwd": {carol.Password}, "action": {"signin"}}
	st, page, _ := formOf(t, b, authz, start)
	if st != 200 || !strings.Contains(page, `name="otc"`) {
		t.Fatalf("no code page: %d %.300s", st, page)
	}
	wrong := hiddenFields(page)
	wrong.Set("otc", "000000x")
	st, page, _ = formOf(t, b, authz, wrong)
	if st != 200 || !strings.Contains(page, "expected verification code") {
		t.Fatalf("wrong code: %d %.300s", st, page)
	}
	right := hiddenFields(page)
	right.Set("otc", carol.OTPCode)
	st, _, loc := formOf(t, b, authz, right)
	u, _ := url.Parse(loc)
	if st != http.StatusFound || u.Query().Get("code") == "" {
		t.Fatalf("after the code: %d %q", st, loc)
	}
	st, body = fixture.PostForm(t, c, tok, url.Values{"grant_type": {"authorization_code"}, "client_id": {fixture.AzureCLI}, "code": {u.Query().Get("code")},
		"redirect_uri": {"http://localhost:8400"}, "code_verifier": {verifier}, "scope": {"https://graph.microsoft.com/.default offline_access"}})
	if st != 200 {
		t.Fatalf("redeem: %d %v", st, body)
	}
	if amr := claimsOf(t, em, body["access_token"].(string))["amr"]; !strings.Contains(strings.Join(toStrings(amr), " "), "mfa") {
		t.Fatalf("amr %v", amr)
	}
	// The MFA session's refresh token satisfies Graph from now on.
	st, body = fixture.PostForm(t, c, tok, url.Values{"grant_type": {"refresh_token"}, "client_id": {fixture.AzureCLI},
		"refresh_token": {body["refresh_token"].(string)}, "scope": {"https://graph.microsoft.com/.default"}})
	if st != 200 {
		t.Fatalf("refresh after MFA: %d %v", st, body)
	}
	// A replayed or unknown flow token is refused with a page, not a panic.
	if st, _, _ := formOf(t, b, authz, right); st != 400 {
		t.Fatalf("replayed flow token: %d", st)
	}

	// Conditional Access blocks carol's device code flow.
	st, dc := fixture.PostForm(t, c, fixture.LoginURL("organizations", "devicecode"), url.Values{"client_id": {fixture.AzureCLI}, "scope": {"https://management.azure.com/.default"}})
	if st != 200 {
		t.Fatal(dc)
	}
	if err := em.ApproveDevice(dc["user_code"].(string), "carol"); err != nil {
		t.Fatal(err)
	}
	st, body = fixture.PostForm(t, c, fixture.LoginURL("organizations", "token"), url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"},
		"client_id": {fixture.AzureCLI}, "device_code": {dc["device_code"].(string)}})
	// interaction_required + suberror message_only (MartinIngesen/MSOLSpray#5).
	fixture.WantEntraError(t, st, body, 400, "interaction_required", 53003)
	if body["suberror"] != "message_only" {
		t.Fatalf("53003 suberror %v", body["suberror"])
	}
}

func toStrings(v any) []string {
	var out []string
	if list, ok := v.([]any); ok {
		for _, x := range list {
			s, _ := x.(string)
			out = append(out, s)
		}
	}
	return out
}
