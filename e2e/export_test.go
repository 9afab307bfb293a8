package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/internal/testenv"
	"github.com/chromedp/chromedp"
	harlib "github.com/google/martian/v3/har"
)

// storyExports runs scripts/story-report.js (the seed's story, then the
// report, HAR and .http files) with the binary against an emulator and
// returns the folder of the files, the emulator and AZREPL_HOME.
func storyExports(t *testing.T) (out, emDir, home string) {
	t.Helper()
	em, env := robustEmulator(t, emulator.Config{ApproveAfter: 200 * time.Millisecond})
	home, out = t.TempDir(), t.TempDir()
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "SSL_CERT_FILE="); ok {
			emDir = filepath.Dir(v)
		}
	}
	app := em.World().Apps[0] // story-app: its secret works, Graph refuses it
	env = robustEnv(env, "AZREPL_HOME="+home, "AZURE_TENANT_ID="+em.World().TenantID,
		"AZURE_CLIENT_ID="+app.ClientID, "AZURE_CLIENT_SECRET="+app.ClientSecret)
	script, err := filepath.Abs(filepath.Join("..", "scripts", "story-report.js"))
	if err != nil {
		t.Fatal(err)
	}
	r := robustRunIn(t, out, env, "run", script) // the exports go to the working folder
	if r.code != 0 {
		t.Fatalf("story-report.js: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	return out, emDir, home
}

// harRequired are the members HAR 1.2 requires, per object
// (http://www.softwareishard.com/blog/har-12-spec/).
var harRequired = map[string][]string{
	"log":      {"version", "creator", "entries"},
	"creator":  {"name", "version"},
	"entry":    {"startedDateTime", "time", "request", "response", "cache", "timings"},
	"request":  {"method", "url", "httpVersion", "cookies", "headers", "queryString", "headersSize", "bodySize"},
	"response": {"status", "statusText", "httpVersion", "cookies", "headers", "content", "redirectURL", "headersSize", "bodySize"},
	"content":  {"size", "mimeType"},
	"timings":  {"send", "wait", "receive"},
	"postData": {"mimeType"},
}

func requireMembers(t *testing.T, what string, obj map[string]any) {
	t.Helper()
	for _, k := range harRequired[what] {
		if _, ok := obj[k]; !ok {
			t.Errorf("HAR %s lacks the required %q", what, k)
		}
	}
}

func TestExportsOfTheStory(t *testing.T) {
	dir, emDir, home := storyExports(t)
	files := map[string]string{}
	for _, n := range []string{"story-report.html", "story.har", "story.http"} {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		if st, _ := os.Stat(filepath.Join(dir, n)); st.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", n, st.Mode().Perm())
		}
		files[n] = string(b)
	}

	// HAR 1.2: every required member, the right types where readers care.
	var har map[string]any
	if err := json.Unmarshal([]byte(files["story.har"]), &har); err != nil {
		t.Fatalf("story.har is not JSON: %v", err)
	}
	log, _ := har["log"].(map[string]any)
	requireMembers(t, "log", log)
	if log["version"] != "1.2" {
		t.Errorf("HAR version %v", log["version"])
	}
	requireMembers(t, "creator", log["creator"].(map[string]any))
	entries, _ := log["entries"].([]any)
	if len(entries) < 6 {
		t.Fatalf("HAR has %d entries, the story makes more", len(entries))
	}
	var statuses []float64
	for _, x := range entries {
		e := x.(map[string]any)
		requireMembers(t, "entry", e)
		if _, err := time.Parse(time.RFC3339Nano, e["startedDateTime"].(string)); err != nil {
			t.Errorf("startedDateTime: %v", err)
		}
		req, resp := e["request"].(map[string]any), e["response"].(map[string]any)
		requireMembers(t, "request", req)
		requireMembers(t, "response", resp)
		requireMembers(t, "content", resp["content"].(map[string]any))
		requireMembers(t, "timings", e["timings"].(map[string]any))
		if pd, ok := req["postData"].(map[string]any); ok {
			requireMembers(t, "postData", pd)
		}
		for _, list := range []string{"headers", "cookies", "queryString"} {
			if _, ok := req[list].([]any); !ok {
				t.Errorf("request.%s is not an array", list)
			}
		}
		statuses = append(statuses, resp["status"].(float64))
	}
	for _, want := range []float64{200, 401, 403} {
		if !slices.Contains(statuses, want) {
			t.Errorf("no HAR entry with status %v: %v", want, statuses)
		}
	}
	// And as a HAR library reads it: google/martian's HAR types (what its
	// proxy writes), decoded strictly by type.
	var typed harlib.HAR
	if err := json.Unmarshal([]byte(files["story.har"]), &typed); err != nil {
		t.Fatalf("martian's har package cannot read story.har: %v", err)
	}
	if typed.Log == nil || len(typed.Log.Entries) != len(entries) {
		t.Fatalf("martian's har package read %+v", typed.Log)
	}
	for i, e := range typed.Log.Entries {
		if e.StartedDateTime.IsZero() || e.Request == nil || e.Request.Method == "" || e.Request.URL == "" ||
			e.Response == nil || e.Response.Content == nil || float64(e.Response.Status) != statuses[i] {
			t.Errorf("entry %d as martian reads it: %+v", i, e)
		}
	}

	// .http: one block per exchange, the secrets as variables.
	h := files["story.http"]
	if n := strings.Count(h, "\n### "); n != len(entries) {
		t.Errorf(".http has %d requests, HAR %d", n, len(entries))
	}
	for _, want := range []string{"@token_graph_microsoft_com =", "@token_management_core_windows_net =", "@client_secret =", "Authorization: Bearer {{token_graph_microsoft_com}}", "Authorization: Bearer {{token_management_core_windows_net}}", "client_secret={{client_secret}}", "grant_type=refresh_token", "refresh_token={{refresh_token}}"} {
		if !strings.Contains(h, want) {
			t.Errorf(".http lacks %q", want)
		}
	}

	// Nothing secret in any export: the world's passwords and secrets,
	// and every token azrepl cached.
	secrets := scanWorldSecrets(t, filepath.Join(emDir, "tenant.json"))
	for k, v := range scanCachedTokens(t, filepath.Join(home, "tokens.json")) {
		secrets[k] = v
	}
	if len(secrets) < 4 {
		t.Fatalf("the scan knows only %d secrets", len(secrets))
	}
	jwt := regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`)
	for name, text := range files {
		for what, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s appears in %s", what, name)
			}
		}
		if m := jwt.FindString(text); m != "" {
			t.Errorf("a signed JWT appears in %s: %.30s…", name, m)
		}
	}

	checkReportInBrowser(t, filepath.Join(dir, "story-report.html"), len(entries))
}

// checkReportInBrowser opens the report in headless Chromium with no
// network at all (no proxy, every request but file:// refused), takes a
// screenshot, and finds the diagram and the decoded tokens in the DOM.
func checkReportInBrowser(t *testing.T, path string, exchanges int) {
	t.Helper()
	chromium := testenv.LookPath(t, "chromium")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	opts := slices.Clone(chromedp.DefaultExecAllocatorOptions[:])
	opts = append(opts, chromedp.ExecPath(chromium), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true), chromedp.UserDataDir(t.TempDir()),
		chromedp.ProxyServer("http://127.0.0.1:9"), chromedp.Flag("proxy-bypass-list", "<-loopback>"),
		chromedp.WindowSize(1400, 1000))
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelB := chromedp.NewContext(actx)
	defer cancelB()

	if err := chromedp.Do(bctx, chromedp.Navigate("file://"+path), chromedp.WaitVisible("#diagram svg")); err != nil {
		t.Fatalf("opening the report in Chromium: %v", err)
	}
	eval := func(js string, out any) {
		t.Helper()
		raw, err := chromedp.Run(bctx, chromedp.Evaluate[json.RawMessage](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s: %v", js, err)
		}
	}
	var steps, participants, jwts int
	var auds, scopes, hints []string
	var title string
	eval(`document.title`, &title)
	eval(`document.querySelectorAll("#diagram svg g.step").length`, &steps)
	eval(`document.querySelectorAll("#diagram svg g.participant").length`, &participants)
	eval(`document.querySelectorAll("details.exchange .jwt").length`, &jwts)
	eval(`[...document.querySelectorAll(".jwt .aud")].map(e => e.textContent)`, &auds)
	eval(`[...document.querySelectorAll(".jwt .scp")].map(e => e.textContent)`, &scopes)
	eval(`[...document.querySelectorAll("details.exchange.failed .error .hint")].map(e => e.textContent)`, &hints)
	// Open every exchange, as a reader would, before the screenshot.
	var opened bool
	eval(`document.querySelectorAll("details.exchange").forEach(d => d.open = true); true`, &opened)
	png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	shot := filepath.Join(t.TempDir(), "report.png")
	if err := os.WriteFile(shot, png, 0o644); err != nil {
		t.Fatal(err)
	}
	if len(png) < 10000 || string(png[1:4]) != "PNG" {
		t.Errorf("the screenshot is not an image of the page (%d bytes)", len(png))
	}
	t.Logf("report: %q, %d steps, %d participants, %d tokens decoded (aud %q), hints %q; screenshot %s", title, steps, participants, jwts, auds, hints, shot)
	if dst := os.Getenv("AZREPL_REPORT_SCREENSHOT"); dst != "" {
		_ = os.WriteFile(dst, png, 0o644) // to look at it
	}
	if title == "" || steps != exchanges || participants < 3 {
		t.Errorf("report: title %q, %d steps in the diagram for %d exchanges, %d participants", title, steps, exchanges, participants)
	}
	if jwts < 4 || !slices.ContainsFunc(auds, func(a string) bool {
		return strings.Contains(a, "graph.microsoft.com") || a == "00000003-0000-0000-c000-000000000000"
	}) ||
		!slices.Contains(auds, "https://management.core.windows.net/") {
		t.Errorf("decoded tokens: %d, audiences %q", jwts, auds)
	}
	if len(scopes) == 0 {
		t.Errorf("no decoded token shows its scopes")
	}
	if len(hints) < 2 {
		t.Errorf("the failed exchanges (401, 403) show hints %q", hints)
	}
}
