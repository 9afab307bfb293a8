package recordings

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/emulatortest"
)

var update = flag.Bool("update", false, "rewrite the ledger's count in docs/fidelity.md")

// exchange is one file of the ledger.
type exchange struct {
	Service  string `json:"service"` // entra, graph, arm, databricks
	Row      string `json:"row,omitempty"`
	Source   string `json:"source"`
	Note     string `json:"note,omitempty"`
	Emulated bool   `json:"emulated"`
	// Why says what differs while Emulated is false.
	Why string `json:"why,omitempty"`
	// Emulator, when set, replays against an emulator started with these
	// options (the exchange needs throttling or a short token lifetime).
	Emulator *options `json:"emulator,omitempty"`
	Request  request  `json:"request"`
	Real     response `json:"real"`
}

type options struct {
	Faults        string `json:"faults,omitempty"`
	TokenLifetime string `json:"tokenLifetime,omitempty"`
}

type request struct {
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Auth    string            `json:"auth,omitempty"` // "user:alice:arm", "app:reader-app:graph", "databricks-sp"
	Headers map[string]string `json:"headers,omitempty"`
	Form    map[string]string `json:"form,omitempty"`
	Body    string            `json:"body,omitempty"`
	Gzip    bool              `json:"gzip,omitempty"` // send Body gzip-compressed (Content-Encoding: gzip)
}

// response is what the service answered. Headers and Body map a header
// name or a gjson path of the JSON body to the value expected: a JSON
// value compared as JSON, a string beginning with "~" a regular
// expression, "*" any value present, "!absent" no such field.
type response struct {
	Status   int                        `json:"status"`
	Headers  map[string]string          `json:"headers,omitempty"`
	Body     map[string]json.RawMessage `json:"body,omitempty"`
	BodyText string                     `json:"bodyText,omitempty"` // a regular expression, for bodies that are not JSON
	Quote    string                     `json:"quote,omitempty"`    // the source's words, verbatim
}

type ledgerWorld struct {
	TenantID      string `json:"tenantId"`
	Domain        string `json:"domain"`
	Users         []struct{ Name, Username, Password string }
	Apps          []struct{ Name, ClientID, ClientSecret string }
	Subscriptions []struct{ ID string }
	GuestTenants  []struct{ TenantID, Domain string }
	Databricks    struct {
		Host             string `json:"host"`
		ServicePrincipal struct {
			ClientID     string `json:"clientId"`
			ClientSecret string `json:"clientSecret"`
		} `json:"servicePrincipal"`
	} `json:"databricks"`
}

type replayer struct {
	em     *emulator.Emulator
	hc     *http.Client
	w      ledgerWorld
	values map[string]string // placeholder name → value of w
	mu     sync.Mutex
	tokens map[string]string
}

const azureCLI = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"

var resources = map[string]string{
	"arm":        "https://management.azure.com/.default",
	"graph":      "https://graph.microsoft.com/.default",
	"databricks": "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default",
}

func TestLedger(t *testing.T) {
	files, err := filepath.Glob("*/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no recordings: %v", err)
	}
	replayers := map[options]*replayer{}
	counts := map[string][3]int{} // service → total, matching, not emulated
	sort.Strings(files)
	for _, f := range files {
		var x exchange
		b, err := os.ReadFile(f)
		if err == nil {
			err = json.Unmarshal(b, &x)
		}
		if err != nil || x.Source == "" || x.Real.Status == 0 || resources[x.Service] == "" && x.Service != "entra" {
			t.Errorf("%s: not a ledger entry (source, service and real.status are required): %v", f, err)
			continue
		}
		opts := options{}
		if x.Emulator != nil {
			opts = *x.Emulator
		}
		rp := replayers[opts]
		if rp == nil {
			if rp, err = startReplayer(t, opts); err != nil {
				t.Fatal(err)
			}
			replayers[opts] = rp
		}
		diffs, err := rp.replay(&x)
		if err != nil {
			t.Errorf("%s: replay: %v", f, err)
			continue
		}
		c := counts[x.Service]
		c[0]++
		switch {
		case x.Emulated && len(diffs) > 0:
			t.Errorf("%s (%s): the emulator differs from the real exchange:\n  %s", f, x.Source, strings.Join(diffs, "\n  "))
		case !x.Emulated && len(diffs) == 0:
			t.Errorf("%s: the emulator now answers as the cloud did: mark it \"emulated\": true", f)
		case !x.Emulated:
			c[2]++
			if x.Why == "" {
				t.Errorf("%s: not emulated, and \"why\" does not say what differs", f)
			}
			t.Logf("%s: not emulated yet: %s", f, strings.Join(diffs, "; "))
		default:
			c[1]++
		}
		counts[x.Service] = c
	}
	checkCount(t, counts)
}

// startReplayer starts an emulator with o, closed when t ends.
func startReplayer(t testing.TB, o options) (*replayer, error) {
	cfg := emulator.Config{Groups: 5, Faults: o.Faults}
	if o.TokenLifetime != "" {
		d, err := time.ParseDuration(o.TokenLifetime)
		if err != nil {
			return nil, err
		}
		cfg.TokenLifetime = d
	}
	em := emulatortest.Start(t, cfg)
	raw, err := json.Marshal(em.World())
	if err != nil {
		return nil, err
	}
	rp := &replayer{em: em, hc: em.HTTPClient(), tokens: map[string]string{}}
	rp.hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if err := json.Unmarshal(raw, &rp.w); err != nil {
		return nil, err
	}
	rp.values = placeholders(&rp.w)
	return rp, nil
}

// summary is the sentence docs/fidelity.md carries between the ledger markers.
func summary(counts map[string][3]int) string {
	var total, match, not int
	var parts []string
	for _, s := range []string{"entra", "graph", "arm", "databricks"} {
		c := counts[s]
		total, match, not = total+c[0], match+c[1], not+c[2]
		parts = append(parts, fmt.Sprintf("%s %d/%d", map[string]string{"entra": "Entra ID", "graph": "Graph", "arm": "ARM", "databricks": "Databricks"}[s], c[1], c[0]))
	}
	return fmt.Sprintf("**Ledger of real exchanges** ([fidelity/recordings](../fidelity/recordings)): %d recorded, %d replayed "+
		"identically by the emulator, %d not emulated yet (%s match).", total, match, not, strings.Join(parts, ", "))
}

var ledgerLine = regexp.MustCompile(`(?s)<!-- ledger -->.*?<!-- /ledger -->`)

func checkCount(t *testing.T, counts map[string][3]int) {
	line := summary(counts)
	fmt.Println(line) // CI logs show it with -v
	t.Log(line)
	const doc = "../../docs/fidelity.md"
	b, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	want := "<!-- ledger -->" + line + "<!-- /ledger -->"
	if strings.Contains(string(b), want) {
		return
	}
	if !*update {
		t.Fatalf("docs/fidelity.md does not carry the ledger's count; run go test ./fidelity/recordings -run TestLedger -update\nwant: %s", want)
	}
	out := ledgerLine.ReplaceAllLiteralString(string(b), want)
	if out == string(b) {
		out = strings.TrimRight(string(b), "\n") + "\n\n" + want + "\n"
	}
	if err := os.WriteFile(doc, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
}

var placeholder = regexp.MustCompile(`\{[a-z-]+(:[^{}]+)?\}`)

// expand replaces the placeholders of the world (see placeholders); any
// other {…} stays as it is.
func (rp *replayer) expand(s string) string {
	return placeholder.ReplaceAllStringFunc(s, func(p string) string {
		if v, ok := rp.values[p[1:len(p)-1]]; ok {
			return v
		}
		return p
	})
}

// placeholders are the values of the world the recordings name: {tenant},
// {domain}, {partner}, {sub}, {databricks}, {databricks-basic}, {cli},
// {client:APP}, {secret:APP}, {username:USER}, {password:USER}.
func placeholders(w *ledgerWorld) map[string]string {
	sp := w.Databricks.ServicePrincipal
	v := map[string]string{
		"tenant":           w.TenantID,
		"domain":           w.Domain,
		"databricks":       w.Databricks.Host,
		"databricks-basic": base64.StdEncoding.EncodeToString([]byte(sp.ClientID + ":" + sp.ClientSecret)),
		"cli":              azureCLI,
	}
	if len(w.GuestTenants) > 0 {
		v["partner"] = w.GuestTenants[0].TenantID
	}
	if len(w.Subscriptions) > 0 {
		v["sub"] = w.Subscriptions[0].ID
	}
	for _, a := range w.Apps {
		v["client:"+a.Name], v["secret:"+a.Name] = a.ClientID, a.ClientSecret
	}
	for _, u := range w.Users {
		v["username:"+u.Name], v["password:"+u.Name] = u.Username, u.Password
	}
	return v
}

func (rp *replayer) replay(x *exchange) ([]string, error) {
	u := rp.expand(x.Request.URL)
	var body io.Reader
	ctype := ""
	switch {
	case x.Request.Form != nil:
		f := url.Values{}
		for k, v := range x.Request.Form {
			f.Set(k, rp.expand(v))
		}
		body, ctype = strings.NewReader(f.Encode()), "application/x-www-form-urlencoded"
	case x.Request.Gzip:
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		_, _ = zw.Write([]byte(rp.expand(x.Request.Body)))
		_ = zw.Close()
		body, ctype = &b, "application/json"
	case x.Request.Body != "":
		body, ctype = strings.NewReader(rp.expand(x.Request.Body)), "application/json"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, x.Request.Method, u, body)
	if err != nil {
		return nil, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for k, v := range x.Request.Headers {
		req.Header.Set(k, rp.expand(v))
	}
	if x.Request.Gzip {
		req.Header.Set("Content-Encoding", "gzip")
	}
	if v := x.Request.Form["device_code"]; strings.HasPrefix(v, "{devicecode") {
		// {devicecode}: pending; {devicecode:USER}: approved as USER.
		user, _ := strings.CutPrefix(strings.TrimSuffix(v, "}"), "{devicecode:")
		if v == "{devicecode}" {
			user = ""
		}
		dc, err := rp.deviceCode(ctx, user)
		if err != nil {
			return nil, err
		}
		f := url.Values{}
		for k, v := range x.Request.Form {
			f.Set(k, rp.expand(v))
		}
		f.Set("device_code", dc)
		req.Body = io.NopCloser(strings.NewReader(f.Encode()))
		req.ContentLength = int64(len(f.Encode()))
	}
	if x.Request.Auth != "" {
		tok, err := rp.token(ctx, x.Request.Auth)
		if err != nil {
			return nil, fmt.Errorf("token for %s: %w", x.Request.Auth, err)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := rp.hc.Do(req)
	if err != nil {
		// A refused connection is an answer too: the cloud served this host.
		return []string{"no answer: " + err.Error()}, nil
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	return rp.compare(x.Real, resp, got), nil
}

// compare lists the fields where the emulator's answer differs from the real one.
func (rp *replayer) compare(real response, resp *http.Response, body []byte) []string {
	var diffs []string
	if resp.StatusCode != real.Status {
		diffs = append(diffs, fmt.Sprintf("status %d, real %d", resp.StatusCode, real.Status))
	}
	for _, name := range sortedKeys(real.Headers) {
		want := rp.expand(real.Headers[name])
		v, present := resp.Header[http.CanonicalHeaderKey(name)]
		got := strings.Join(v, ", ")
		if d := differs(want, got, present, func() bool { return got == want }); d != "" {
			diffs = append(diffs, "header "+name+": "+d)
		}
	}
	if real.BodyText != "" {
		if re, err := regexp.Compile(rp.expand(real.BodyText)); err != nil || !re.Match(body) {
			diffs = append(diffs, fmt.Sprintf("body %.120q does not match %q", body, real.BodyText))
		}
	}
	if len(real.Body) > 0 && !gjson.ValidBytes(body) {
		return append(diffs, fmt.Sprintf("body is not JSON: %.120q", body))
	}
	for _, path := range sortedKeys(real.Body) {
		raw := real.Body[path]
		var s string
		want := ""
		if json.Unmarshal(raw, &s) == nil {
			want = rp.expand(s)
		}
		r := lookup(body, rp.expand(path))
		got := r.String()
		if want == "" || !(strings.HasPrefix(want, "~") || want == "*" || want == "!absent") {
			// compare as JSON values
			var a, b any
			_ = json.Unmarshal([]byte(rp.expand(string(raw))), &a)
			_ = json.Unmarshal([]byte(r.Raw), &b)
			if !r.Exists() || !jsonEqual(a, b) {
				diffs = append(diffs, fmt.Sprintf("body %s: %s, real %s", path, orMissing(r), raw))
			}
			continue
		}
		if d := differs(want, got, r.Exists(), func() bool { return got == want }); d != "" {
			diffs = append(diffs, "body "+path+": "+d)
		}
	}
	return diffs
}

// lookup reads a gjson path of the body; "jwt:FIELD|PATH" reads PATH in
// the claims of the JWT in FIELD, and the PATH "exp-iat" is a lifetime.
func lookup(body []byte, path string) gjson.Result {
	spec, ok := strings.CutPrefix(path, "jwt:")
	if !ok {
		return gjson.GetBytes(body, path)
	}
	field, claimPath, _ := strings.Cut(spec, "|")
	parts := strings.Split(gjson.GetBytes(body, field).String(), ".")
	if len(parts) != 3 {
		return gjson.Result{}
	}
	claims, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return gjson.Result{}
	}
	if claimPath == "exp-iat" {
		exp, iat := gjson.GetBytes(claims, "exp"), gjson.GetBytes(claims, "iat")
		if !exp.Exists() || !iat.Exists() {
			return gjson.Result{}
		}
		return gjson.Parse(fmt.Sprint(exp.Int() - iat.Int()))
	}
	return gjson.GetBytes(claims, claimPath)
}

func orMissing(r gjson.Result) string {
	if !r.Exists() {
		return "missing"
	}
	return r.Raw
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// differs compares one value with its expectation ("" when they agree).
func differs(want, got string, present bool, equal func() bool) string {
	switch {
	case want == "!absent":
		if present {
			return fmt.Sprintf("%.120q sent, real has none", got)
		}
	case !present:
		return "missing, real " + want
	case want == "*":
	case strings.HasPrefix(want, "~"):
		re, err := regexp.Compile(want[1:])
		if err != nil {
			return "bad expectation: " + err.Error()
		}
		if !re.MatchString(got) {
			return fmt.Sprintf("%.200q does not match %s", got, want[1:])
		}
	case !equal():
		return fmt.Sprintf("%.200q, real %q", got, want)
	}
	return ""
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// deviceCode starts a device code flow for the Azure CLI, approved as user
// when one is named.
func (rp *replayer) deviceCode(ctx context.Context, user string) (string, error) {
	form := url.Values{"client_id": {azureCLI}, "scope": {resources["arm"] + " offline_access"}}
	status, b, err := rp.postForm(ctx, "https://login.microsoftonline.com/organizations/oauth2/v2.0/devicecode", form, [2]string{})
	if err != nil {
		return "", err
	}
	dc := gjson.GetBytes(b, "device_code").String()
	if dc == "" {
		return "", fmt.Errorf("devicecode: %d %.200s", status, b)
	}
	if user != "" {
		if err := rp.em.ApproveDevice(gjson.GetBytes(b, "user_code").String(), user); err != nil {
			return "", err
		}
	}
	return dc, nil
}

// token gets an access token from the emulator's Entra: users through the
// Azure CLI client's password grant, apps with their secret, the
// Databricks service principal through the workspace's M2M flow.
func (rp *replayer) token(ctx context.Context, auth string) (string, error) {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	if t, ok := rp.tokens[auth]; ok {
		return t, nil
	}
	if base, ok := strings.CutSuffix(auth, ":expired"); ok {
		// A token of an emulator with a short token lifetime, used once
		// it has expired: wait until its exp is past.
		rp.mu.Unlock()
		tok, err := rp.token(ctx, base)
		rp.mu.Lock()
		if err != nil {
			return "", err
		}
		exp := lookup([]byte(`{"t":"`+tok+`"}`), "jwt:t|exp").Int()
		if exp == 0 || time.Until(time.Unix(exp, 0)) > time.Minute {
			return "", fmt.Errorf("%s: the token does not expire within a minute (set the emulator's tokenLifetime)", auth)
		}
		select {
		case <-time.After(time.Until(time.Unix(exp+1, 0))):
		case <-ctx.Done():
			return "", ctx.Err()
		}
		return tok, nil
	}
	parts := strings.Split(auth, ":")
	var endpoint string
	form := url.Values{}
	var basic [2]string
	switch {
	case len(parts) >= 3 && parts[0] == "user":
		endpoint = "https://login.microsoftonline.com/organizations/oauth2/v2.0/token"
		if len(parts) == 4 && parts[3] == "partner" && len(rp.w.GuestTenants) > 0 {
			endpoint = "https://login.microsoftonline.com/" + rp.w.GuestTenants[0].TenantID + "/oauth2/v2.0/token"
		}
		form.Set("grant_type", "password")
		form.Set("client_id", azureCLI)
		form.Set("username", rp.expand("{username:"+parts[1]+"}"))
		form.Set("password", rp.expand("{password:"+parts[1]+"}"))
		form.Set("scope", resources[parts[2]])
	case len(parts) == 3 && parts[0] == "app":
		endpoint = "https://login.microsoftonline.com/" + rp.w.TenantID + "/oauth2/v2.0/token"
		form.Set("grant_type", "client_credentials")
		form.Set("client_id", rp.expand("{client:"+parts[1]+"}"))
		form.Set("client_secret", rp.expand("{secret:"+parts[1]+"}"))
		form.Set("scope", resources[parts[2]])
	case auth == "databricks-sp":
		endpoint = "https://" + rp.w.Databricks.Host + "/oidc/v1/token"
		form.Set("grant_type", "client_credentials")
		form.Set("scope", "all-apis")
		basic = [2]string{rp.w.Databricks.ServicePrincipal.ClientID, rp.w.Databricks.ServicePrincipal.ClientSecret}
	default:
		return "", fmt.Errorf("unknown auth %q", auth)
	}
	status, b, err := rp.postForm(ctx, endpoint, form, basic)
	if err != nil {
		return "", err
	}
	tok := gjson.GetBytes(b, "access_token").String()
	if status != 200 || tok == "" {
		return "", fmt.Errorf("%d %.300s", status, b)
	}
	rp.tokens[auth] = tok
	return tok, nil
}

// postForm posts form to endpoint, with basic as the client's Basic
// credentials when basic[0] is not "", and returns the answer's status and
// body.
func (rp *replayer) postForm(ctx context.Context, endpoint string, form url.Values, basic [2]string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basic[0] != "" {
		req.SetBasicAuth(basic[0], basic[1])
	}
	resp, err := rp.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, nil
}
