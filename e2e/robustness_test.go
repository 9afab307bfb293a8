package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/emulatortest"
)

// concurrentScopes are 20 scopes the Azure CLI client is pre-authorized
// for in the emulator, none of them the login's (ARM .default), so each is a refresh
// token exchange.
var concurrentScopes = []string{
	"https://management.azure.com/user_impersonation",
	"https://management.azure.com/.default",
	"https://graph.microsoft.com/.default",
	"https://graph.microsoft.com/User.Read.All",
	"https://graph.microsoft.com/Group.ReadWrite.All",
	"https://graph.microsoft.com/User.ReadWrite.All",
	"https://graph.microsoft.com/AuditLog.Read.All",
	"https://graph.microsoft.com/Application.ReadWrite.All",
	"https://graph.microsoft.com/Directory.AccessAsUser.All",
	"https://graph.microsoft.com/AppRoleAssignment.ReadWrite.All",
	"https://graph.microsoft.com/DelegatedPermissionGrant.ReadWrite.All",
	"00000003-0000-0000-c000-000000000000/.default",
	"00000003-0000-0000-c000-000000000000/User.Read.All",
	"2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default",
	"2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/user_impersonation",
	"https://vault.azure.net/.default",
	"https://vault.azure.net/user_impersonation",
	"https://storage.azure.com/.default",
	"https://storage.azure.com/user_impersonation",
	"cfa8b339-82a2-471a-a3c9-0fc0be7a4093/.default",
}

// robustCache is the part of tokens.json this test reads.
type robustCache struct {
	AccessTokens map[string]struct {
		Scope    string `json:"scope"`
		Secret   string `json:"secret"`
		CachedAt int64  `json:"cachedAt"`
	} `json:"accessTokens"`
	RefreshTokens map[string]struct {
		ClientID  string `json:"clientId"`
		Secret    string `json:"secret"`
		UpdatedAt int64  `json:"updatedAt"`
	} `json:"refreshTokens"`
}

// TestConcurrentProcessesShareOneCache: 20 azrepl processes at once, each
// redeeming the refresh token for another scope on one AZREPL_HOME. The
// cache must stay valid JSON, hold all 20 access tokens, and keep the
// newest refresh token, which must still be redeemable.
func TestConcurrentProcessesShareOneCache(t *testing.T) {
	_, env := robustEmulator(t, emulator.Config{ApproveAfter: 200 * time.Millisecond})
	home := t.TempDir()
	env = robustEnv(env, "AZREPL_HOME="+home)
	if r := robustRun(t, env, "-e", "login().username"); r.code != 0 {
		t.Fatalf("login: exit %d: %s", r.code, r.stderr)
	}

	results := make([]robustResult, len(concurrentScopes))
	var wg sync.WaitGroup
	for i, scope := range concurrentScopes {
		wg.Go(func() {
			results[i] = robustRun(t, env, "-e", fmt.Sprintf("jwt(token(%q)).claims.aud", scope))
		})
	}
	wg.Wait()
	for i, r := range results {
		if r.code != 0 {
			t.Errorf("token(%q): exit %d: %s", concurrentScopes[i], r.code, r.stderr)
		}
	}

	raw, err := os.ReadFile(filepath.Join(home, "tokens.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c robustCache
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatalf("tokens.json is not valid JSON after concurrent writers: %v", err)
	}
	cached := map[string]bool{}
	var newestAT int64
	for _, e := range c.AccessTokens {
		if e.Secret == "" {
			t.Errorf("access token entry for %q has no token", e.Scope)
		}
		cached[e.Scope] = true
		newestAT = max(newestAT, e.CachedAt)
	}
	for _, s := range concurrentScopes {
		if !cached[s] {
			t.Errorf("no cached access token for %q (cached: %v)", s, cached)
		}
	}
	if len(c.RefreshTokens) != 1 {
		t.Fatalf("want one refresh token (Azure CLI family), got %d", len(c.RefreshTokens))
	}
	for _, rt := range c.RefreshTokens {
		// The refresh token kept is the one written last: not older than
		// the newest access token (seconds vs nanoseconds).
		if rt.UpdatedAt/int64(time.Second) < newestAT {
			t.Errorf("refresh token updated at %d s, older than the newest access token (%d s)", rt.UpdatedAt/int64(time.Second), newestAT)
		}
	}
	// And it still works: a 21st scope goes through the exchange.
	if r := robustRun(t, env, "-e", `jwt(token("https://storage.azure.com//user_impersonation")).claims.scp`); r.code != 0 || !strings.Contains(r.stdout, "user_impersonation") {
		t.Errorf("the cached refresh token no longer works: exit %d %q %s", r.code, r.stdout, r.stderr)
	}
}

// pagingScript walks every group and prints the count and distinct ids.
const pagingScript = `
login({flow: "secret"});
const groups = graph.all("/groups?$top=100&$select=id,displayName");
const ids = new Set(groups.map(g => g.id));
console.log(JSON.stringify({n: groups.length, unique: ids.size}));
`

// TestGraphAllUnderFaults: 20% of Graph answers are 429, 503, connection
// resets or truncated bodies. graph.all returns exactly the 5,000 groups, or
// fails with one line that names the cause; it never panics.
func TestGraphAllUnderFaults(t *testing.T) {
	for _, tc := range []struct {
		name, faults string
		mustSucceed  bool
	}{
		{"20% faults", "rate=0.2,kinds=429+503+reset+truncate,host=graph.microsoft.com", false},
		{"retries run out", "every=1,kinds=503,host=graph.microsoft.com", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			em, env := robustEmulator(t, emulator.Config{Groups: 5000, Faults: tc.faults})
			app := readerApp(t, em)
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{"all.js": pagingScript})
			env = robustEnv(env, "AZREPL_HOME="+filepath.Join(dir, "home"), "AZURE_TENANT_ID="+em.World().TenantID,
				"AZURE_CLIENT_ID="+app.ClientID, "AZURE_CLIENT_SECRET="+app.ClientSecret)
			r := robustRun(t, env, "run", filepath.Join(dir, "all.js"))
			if r.code == 0 {
				var got struct{ N, Unique int }
				if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
					t.Fatalf("output %q: %v", r.stdout, err)
				}
				if got.N != 5000 || got.Unique != 5000 {
					t.Fatalf("graph.all gave %d items, %d unique; want 5000", got.N, got.Unique)
				}
				if strings.HasPrefix(tc.faults, "every=1") {
					t.Fatalf("every Graph answer was a 503, yet graph.all succeeded")
				}
				// 50 pages at 20%: the chance of no fault at all is 1 in 70,000.
				if kinds := robustFaults(t, env); len(kinds) == 0 {
					t.Fatal("no fault was injected: the test proved nothing")
				} else {
					t.Logf("survived faults %v", kinds)
				}
				return
			}
			msg := robustOneLineError(t, "graph.all under "+tc.faults, r)
			if !strings.Contains(msg, "503") && !strings.Contains(msg, "429") && !strings.Contains(strings.ToLower(msg), "reset") &&
				!strings.Contains(strings.ToLower(msg), "eof") && !strings.Contains(strings.ToLower(msg), "json") {
				t.Errorf("the error does not name its cause: %q", msg)
			}
			t.Logf("graph.all failed cleanly: %s", msg)
		})
	}
}

func readerApp(t *testing.T, em *emulator.Emulator) emulator.App {
	return emulatortest.App(t, em, "reader-app")
}

// TestBadInputOneLineErrors: what goes wrong outside azrepl (a body that is
// not JSON, a proxy's HTML page, a body cut short, an invalid JWT, a bad
// command line, a script that does not parse) ends in one clear line.
func TestBadInputOneLineErrors(t *testing.T) {
	// A plain local server for bodies no cloud would send.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/malformed":
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"value": [{"id": "1"}, {"id": `))
		case "/cut":
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "5000")
			_, _ = w.Write([]byte(`{"value": [`))
			if hj, ok := w.(http.Hijacker); ok {
				conn, _, err := hj.Hijack()
				if err == nil {
					_ = conn.Close()
				}
			}
		}
	}))
	defer srv.Close()

	em, env := robustEmulator(t, emulator.Config{Faults: "every=1,kinds=html,host=login.microsoftonline.com"})
	app := readerApp(t, em)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"syntax.js":  "const a = 1;\nlet x = ;\n",
		"jsonerr.js": fmt.Sprintf("const r = http.get(%q, {auth: false});\nconsole.log(r.json.value.length);\n", srv.URL+"/malformed"),
		"cut.js":     fmt.Sprintf("const r = http.get(%q, {auth: false});\nconsole.log(r.status);\n", srv.URL+"/cut"),
	})
	env = robustEnv(env, "AZREPL_HOME="+filepath.Join(dir, "home"))
	for _, tc := range []struct {
		name string
		args []string
		want []string // each must appear in the line (case-insensitive)
	}{
		{"malformed JSON body", []string{"run", filepath.Join(dir, "jsonerr.js")}, []string{"jsonerr.js:", "not json"}},
		{"body cut short", []string{"run", filepath.Join(dir, "cut.js")}, []string{"cut.js:"}},
		{"HTML page from a proxy", []string{"-e", fmt.Sprintf("login({flow: 'secret', tenant: %q, clientId: %q, clientSecret: %q})",
			em.World().TenantID, app.ClientID, app.ClientSecret)}, []string{"html"}},
		{"invalid JWT", []string{"-e", `jwt("eyJhbGciOiJub25lIn0.not-base64!.x")`}, []string{"jwt"}},
		{"unknown flag", []string{"--frobnicate"}, []string{"unknown flag --frobnicate"}},
		{"script syntax error", []string{"run", filepath.Join(dir, "syntax.js")}, []string{"syntax.js:2:", "SyntaxError"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := robustRun(t, env, tc.args...)
			msg := robustOneLineError(t, tc.name, r)
			for _, w := range tc.want {
				if !strings.Contains(strings.ToLower(msg), strings.ToLower(w)) {
					t.Errorf("%s: %q does not say %q", tc.name, msg, w)
				}
			}
			if strings.Contains(msg, app.ClientSecret) {
				t.Errorf("%s: the error shows the client secret", tc.name)
			}
			t.Logf("%s → %s", tc.name, msg)
		})
	}
}
