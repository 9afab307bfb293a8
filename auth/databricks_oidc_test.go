package auth

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator"
)

// Databricks workload identity federation against the emulator's workspace,
// whose federation policy trusts the emulator's issuer for the seeded
// workload subject on behalf of the workspace service principal.
func TestDatabricksWorkloadIdentityFederation(t *testing.T) {
	e := startEmulator(t, emulator.Config{})
	w := e.World()
	sp := w.Databricks.ServicePrincipal
	subject := w.Databricks.Federation[0].Subject
	host := "https://" + w.Databricks.Host
	tokenURL := host + "/oidc/v1/token"
	ctx := context.Background()
	mint := func(sub, aud string, life time.Duration) string {
		t.Helper()
		tok, err := e.FederatedToken(sub, aud, life)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	expOf := func(jwt string) int64 {
		j, err := DecodeJWT(jwt)
		if err != nil {
			t.Fatal(err)
		}
		return j.UnixClaim("exp")
	}

	t.Run("file-oidc across rotations", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "oidc-token")
		write := func(tok string) {
			if err := os.WriteFile(file, []byte(tok+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		env := map[string]string{"DATABRICKS_HOST": host, "DATABRICKS_CLIENT_ID": sp.ClientID, "DATABRICKS_OIDC_TOKEN_FILEPATH": file}
		s, tap := tappedSession(t, e, env)
		// The exchanged token lives no longer than the OIDC token: each
		// rotation's lifetime shows in the Databricks token, which proves
		// the file was read again.
		for i, life := range []time.Duration{time.Hour, 40 * time.Minute, 20 * time.Minute} {
			oidc := mint(subject, tokenURL, life)
			write(oidc)
			tok, _, err := s.DatabricksToken(ctx, DatabricksOptions{Flow: "file-oidc", Force: i > 0})
			if err != nil {
				t.Fatalf("rotation %d: %v", i, err)
			}
			if tok.Claims["sub"] != sp.ClientID || tok.FromCache {
				t.Errorf("rotation %d: sub %v, fromCache %v", i, tok.Claims["sub"], tok.FromCache)
			}
			if got, want := expOf(tok.AccessToken), expOf(oidc); got != want {
				t.Errorf("rotation %d: the Databricks token expires at %d, the OIDC token at %d: the file was not read again", i, got, want)
			}
			x := tap.last(t)
			if x.url != tokenURL || x.form.Get("grant_type") != "urn:ietf:params:oauth:grant-type:token-exchange" ||
				x.form.Get("subject_token") != oidc || x.form.Get("subject_token_type") != "urn:ietf:params:oauth:token-type:jwt" ||
				x.form.Get("client_id") != sp.ClientID || x.form.Get("scope") != "all-apis" || x.form.Has("client_secret") {
				t.Errorf("rotation %d: exchange %s %v", i, x.url, x.form)
			}
			if !strings.Contains(tok.Account.Source, file) {
				t.Errorf("source %q", tok.Account.Source)
			}
		}
		// Cached until it expires; its own slot, not the M2M one.
		n := tap.count()
		if tok, _, err := s.DatabricksToken(ctx, DatabricksOptions{Flow: "file-oidc"}); err != nil || !tok.FromCache || tap.count() != n {
			t.Errorf("second call: %v, not from the cache", err)
		}
		// An expired OIDC token in the file: one line, no token in it.
		stale := mint(subject, tokenURL, -time.Minute)
		write(stale)
		_, _, err := s.DatabricksToken(ctx, DatabricksOptions{Flow: "file-oidc", Force: true})
		if err == nil || !strings.Contains(err.Error(), "the subject token has expired") || !strings.Contains(err.Error(), file) ||
			strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), stale) {
			t.Errorf("expired: %v", err)
		}
		// A token of another subject: the policy does not match, one line.
		other := mint("repo:someone/else:ref:refs/heads/main", tokenURL, time.Hour)
		write(other)
		_, _, err = s.DatabricksToken(ctx, DatabricksOptions{Flow: "file-oidc", Force: true})
		t.Logf("mismatched subject: %v", err)
		want := "databricks workload identity federation: the OIDC token from file " + file
		if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "no federation policy matches the token") ||
			!strings.Contains(err.Error(), "subject repo:someone/else:ref:refs/heads/main") || strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), other) {
			t.Errorf("mismatched subject: %v", err)
		}
		// Another audience than the workspace's token endpoint.
		write(mint(subject, "api://AzureADTokenExchange", time.Hour))
		if _, _, err = s.DatabricksToken(ctx, DatabricksOptions{Flow: "file-oidc", Force: true}); err == nil || !strings.Contains(err.Error(), "no federation policy matches") {
			t.Errorf("wrong audience: %v", err)
		}
		// The option wins over the variable; DATABRICKS_AUTH_TYPE picks the flow.
		good := filepath.Join(t.TempDir(), "good")
		if err := os.WriteFile(good, []byte(mint(subject, tokenURL, time.Hour)), 0o600); err != nil {
			t.Fatal(err)
		}
		env["DATABRICKS_AUTH_TYPE"] = "file-oidc"
		if tok, _, err := s.DatabricksToken(ctx, DatabricksOptions{TokenFile: good, Force: true}); err != nil || tok.Account.Flow != "databricks-file-oidc" {
			t.Errorf("auth type file-oidc with tokenFile: %v", err)
		}
	})

	t.Run("env-oidc and github-oidc", func(t *testing.T) {
		env := map[string]string{"DATABRICKS_HOST": host, "DATABRICKS_CLIENT_ID": sp.ClientID,
			"DATABRICKS_OIDC_TOKEN_ENV": "MY_OIDC", "MY_OIDC": mint(subject, tokenURL, time.Hour)}
		for _, kv := range e.CIEnv("github") {
			k, v, _ := strings.Cut(kv, "=")
			env[k] = v
		}
		s, tap := tappedSession(t, e, env)
		for _, flow := range []string{"env-oidc", "github-oidc"} {
			tok, _, err := s.DatabricksToken(ctx, DatabricksOptions{Flow: flow, Force: true})
			if err != nil {
				t.Fatalf("%s: %v", flow, err)
			}
			if tok.Claims["sub"] != sp.ClientID {
				t.Errorf("%s: sub %v", flow, tok.Claims["sub"])
			}
		}
		// GitHub was asked for the workspace token endpoint as audience.
		if aud := newToken(tap.last(t).form.Get("subject_token"), "", "", time.Time{}, "", "", Account{}, false).Audience; aud != tokenURL {
			t.Errorf("GitHub token audience %q", aud)
		}
		delete(env, "MY_OIDC")
		_, _, err := s.DatabricksToken(ctx, DatabricksOptions{Flow: "env-oidc", Force: true})
		if err == nil || err.Error() != "databricks env-oidc: MY_OIDC is empty or not set (DATABRICKS_OIDC_TOKEN_ENV names another variable)" {
			t.Errorf("empty variable: %v", err)
		}
	})

	t.Run("account host", func(t *testing.T) {
		env := map[string]string{"DATABRICKS_CLIENT_ID": sp.ClientID, "DATABRICKS_ACCOUNT_ID": w.Databricks.AccountID}
		for _, kv := range e.CIEnv("github") {
			k, v, _ := strings.Cut(kv, "=")
			env[k] = v
		}
		s, tap := tappedSession(t, e, env)
		tok, _, err := s.DatabricksToken(ctx, DatabricksOptions{Host: w.Databricks.AccountsHost, Flow: "github-oidc"})
		if err != nil {
			t.Fatal(err)
		}
		if iss, _ := tok.Claims["iss"].(string); !strings.Contains(iss, "/oidc/accounts/"+w.Databricks.AccountID) {
			t.Errorf("issuer %q is not the account's", iss)
		}
		// On the account host the OIDC token's audience is the account id.
		if aud := newToken(tap.last(t).form.Get("subject_token"), "", "", time.Time{}, "", "", Account{}, false).Audience; aud != w.Databricks.AccountID {
			t.Errorf("audience %q", aud)
		}
	})

	t.Run("missing configuration", func(t *testing.T) {
		s := emulatorSession(t, e, map[string]string{"DATABRICKS_HOST": host}, nil)
		for flow, want := range map[string]string{
			"file-oidc":   "databricks file-oidc: no OIDC token file: pass tokenFile or set DATABRICKS_OIDC_TOKEN_FILEPATH (profile key databricks_id_token_filepath)",
			"env-oidc":    "databricks env-oidc: DATABRICKS_OIDC_TOKEN is empty or not set (DATABRICKS_OIDC_TOKEN_ENV names another variable)",
			"github-oidc": "databricks github-oidc: ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN must be set (a GitHub Actions job with permissions: id-token: write)",
			"wif":         `unknown Databricks flow "wif": use pat, u2m, m2m, azure, azure-client-secret, file-oidc, env-oidc or github-oidc`,
		} {
			if _, _, err := s.DatabricksToken(ctx, DatabricksOptions{Flow: flow}); err == nil || err.Error() != want {
				t.Errorf("%s: %v", flow, err)
			}
		}
		_, _, err := s.DatabricksToken(ctx, DatabricksOptions{Flow: "file-oidc", TokenFile: filepath.Join(t.TempDir(), "absent")})
		if err == nil || !strings.Contains(err.Error(), "no such file") || strings.Contains(err.Error(), "\n") {
			t.Errorf("absent file: %v", err)
		}
	})
}
