package cmd

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/azrepl/azrepl/auth"
	"github.com/azrepl/azrepl/bindings"
	"github.com/azrepl/azrepl/errcode"
	"github.com/azrepl/azrepl/httpx"
)

// `azrepl status` shows the session as `gh auth status` does: who is
// signed in (the default account first), the tokens each one holds with
// their audience, scope and expiry, and the Databricks CLI's profiles.
// Never a token, a secret or a refresh token's value.

const statusUsage = `Usage: azrepl status [-o json]

Shows the signed-in accounts (the default one first) with their tenant and
flow, the cached tokens of each (audience, scope, tenant, expiry), and the
profiles of ~/.databrickscfg. Exits 3 when no account is signed in.
Nothing secret is printed: no token, refresh token or client secret.

Flags:
`

var statusExamples = []string{"azrepl status", "azrepl status -o json | jq -r '.accounts[].username'"}

// statusJSON is the -o json form.
type statusJSON struct {
	Home        string          `json:"home"`
	Accounts    []accountJSON   `json:"accounts"`
	OtherTokens []tokenInfoJSON `json:"otherTokens"` // Databricks OAuth tokens, keyed by host
	Databricks  databricksJSON  `json:"databricks"`
}

type databricksJSON struct {
	ConfigFile string                   `json:"configFile"`
	Profiles   []auth.DatabricksProfile `json:"profiles"`
	Error      string                   `json:"error,omitempty"`
}

func newTokenInfoJSON(t auth.TokenInfo, now time.Time) tokenInfoJSON {
	j := tokenInfoJSON{Kind: t.Kind, Account: t.Account, Audience: t.Audience, Scope: t.Scope, Tenant: t.Tenant,
		ClientID: t.ClientID, Authority: t.Authority, FamilyID: t.FamilyID}
	if t.Kind == "access" {
		j.ExpiresOn = t.ExpiresOn.UTC().Format(time.RFC3339)
		j.Expired = !t.ExpiresOn.After(now)
	}
	return j
}

func statusMain(ctx context.Context, o Options, stdout, stderr io.Writer) int {
	p, err := parseFlags("status", plainFlags, o.Args)
	if err == nil {
		err = checkJSONOutput("status", p)
	}
	if err == nil && len(p.args) > 0 {
		err = &UsageError{fmt.Sprintf("status: unexpected argument %q", p.args[0])}
	}
	if err != nil {
		return usageFail(stdout, stderr, "status", statusUsage+flagTable(plainFlags), err)
	}
	env, w, err := accountEnv(ctx, o, stdout, stderr)
	if err != nil {
		return commandFail(stderr, "status", err, o.Debug)
	}
	defer w.close()
	st, err := readStatus(env.Auth, w.svc.Getenv, w.svc.Home, time.Now())
	if err != nil {
		return commandFail(stderr, "status", bindings.AuthError(env, err), o.Debug)
	}
	if p.get("--output") == "json" {
		_ = writeJSON(stdout, st)
	} else {
		writeStatus(stdout, st, time.Now())
	}
	if len(st.Accounts) == 0 {
		return commandFail(stderr, "status", &bindings.Error{Code: errcode.Unauthenticated, Message: "not signed in",
			Hint: "run azrepl login (or azrepl login --flow azcli to reuse an az login)"}, o.Debug)
	}
	return 0
}

// readStatus gathers the accounts, their tokens and the Databricks
// profiles.
func readStatus(s *auth.Session, getenv func(string) string, home string, now time.Time) (statusJSON, error) {
	st := statusJSON{Home: home, Accounts: []accountJSON{}, OtherTokens: []tokenInfoJSON{}}
	accounts, err := s.Accounts()
	if err != nil {
		return st, err
	}
	tokens, err := s.Tokens()
	if err != nil {
		return st, err
	}
	claimed := make([]bool, len(tokens))
	for i, a := range accounts {
		aj := newAccountJSON(a, i == 0)
		key := cmp.Or(a.Username, a.ClientID)
		for k, t := range tokens {
			if strings.EqualFold(t.Account, key) && strings.EqualFold(t.Authority, a.Environment) {
				tj := newTokenInfoJSON(t, now)
				tj.Account = ""
				aj.Tokens = append(aj.Tokens, tj)
				claimed[k] = true
			}
		}
		st.Accounts = append(st.Accounts, aj)
	}
	for k, t := range tokens {
		if !claimed[k] {
			st.OtherTokens = append(st.OtherTokens, newTokenInfoJSON(t, now))
		}
	}
	path, profiles, err := auth.DatabricksProfiles(getenv)
	st.Databricks = databricksJSON{ConfigFile: path, Profiles: profiles}
	if st.Databricks.Profiles == nil {
		st.Databricks.Profiles = []auth.DatabricksProfile{}
	}
	if err != nil {
		st.Databricks.Error = err.Error()
	}
	return st, nil
}

// writeStatus is the human form.
func writeStatus(w io.Writer, st statusJSON, now time.Time) {
	fmt.Fprintf(w, "azrepl logins in %s\n", st.Home)
	if len(st.Accounts) == 0 {
		fmt.Fprintln(w, "  (no account signed in)")
	}
	for _, a := range st.Accounts {
		// Names come from a server's tokens: control characters shown escaped.
		name := httpx.EscapeControls(cmp.Or(a.Username, "app "+a.ClientID))
		if a.Default {
			name += " (default)"
		}
		fmt.Fprintf(w, "\n%s\n", name)
		tenant := a.TenantID
		if a.GuestTenantID != "" {
			tenant = a.GuestTenantID + " as a guest (home " + a.TenantID + ")"
		}
		fmt.Fprintf(w, "  tenant %s, flow %s, client %s\n", tenant, a.Flow, a.ClientID)
		if a.Source != "" {
			fmt.Fprintf(w, "  credential from %s\n", httpx.EscapeControls(a.Source))
		}
		writeTokens(w, a.Tokens, now, false)
	}
	if len(st.OtherTokens) > 0 {
		fmt.Fprintf(w, "\nDatabricks tokens\n")
		writeTokens(w, st.OtherTokens, now, true)
	}
	db := st.Databricks
	switch {
	case db.Error != "":
		fmt.Fprintf(w, "\nDatabricks profiles: %s\n", db.Error)
	case len(db.Profiles) > 0:
		fmt.Fprintf(w, "\nDatabricks profiles (%s)\n", db.ConfigFile)
		for _, p := range db.Profiles {
			line := "  " + p.Name
			if p.Default {
				line += " (default)"
			}
			for _, part := range []string{p.Host, p.AccountID, p.AuthType} {
				if part != "" {
					line += "  " + part
				}
			}
			fmt.Fprintln(w, line)
		}
	}
}

// writeTokens lists tokens one a line. The same token cached under two
// tenant names (a multi-tenant login's "organizations" and the home tenant
// GUID) is one line naming both. byHost names a token by its host (the
// Databricks CLI keys its tokens by workspace).
func writeTokens(w io.Writer, tokens []tokenInfoJSON, now time.Time, byHost bool) {
	type row struct {
		t       tokenInfoJSON
		tenants []string
	}
	var rows []*row
	seen := map[string]*row{}
	for _, t := range tokens {
		if t.Kind != "access" {
			rows = append(rows, &row{t: t})
			continue
		}
		k := t.Audience + "|" + t.Scope + "|" + t.ClientID + "|" + t.ExpiresOn
		if r, ok := seen[k]; ok {
			r.tenants = append(r.tenants, cmp.Or(t.Tenant, "-"))
			continue
		}
		r := &row{t: t, tenants: []string{cmp.Or(t.Tenant, "-")}}
		seen[k] = r
		rows = append(rows, r)
	}
	for _, r := range rows {
		t := r.t
		sort.Strings(r.tenants)
		if t.Kind == "refresh" {
			line := "  refresh token for client " + t.ClientID
			if t.FamilyID != "" {
				line += " (family " + t.FamilyID + ")"
			}
			if byHost {
				line += " at https://" + t.Authority
			}
			fmt.Fprintln(w, line)
			continue
		}
		exp, _ := time.Parse(time.RFC3339, t.ExpiresOn)
		when := "expires in " + shortDuration(exp.Sub(now))
		if t.Expired {
			when = "expired " + shortDuration(now.Sub(exp)) + " ago"
		}
		what := cmp.Or(t.Audience, t.Authority)
		if byHost {
			what = "https://" + t.Authority + " (client " + t.ClientID + ")"
		}
		fmt.Fprintf(w, "  token for %s: scope %s, tenant %s, %s (%s)\n", what, t.Scope, strings.Join(r.tenants, " and "), when, exp.UTC().Format("2006-01-02 15:04 UTC"))
	}
}

// shortDuration is d in minutes: "1h5m", "42m", "0m".
func shortDuration(d time.Duration) string {
	d = d.Round(time.Minute)
	if d < time.Minute {
		return "0m"
	}
	return strings.TrimSuffix(d.String(), "0s")
}
