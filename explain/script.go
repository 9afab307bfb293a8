package explain

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/azrepl/azrepl/httpx"
)

// Script writes an azrepl script that makes the recorded program's requests
// with azrepl's own bindings: the sign-in with the same flow, client and
// tenant, each token in order with its scope, and the API calls, one comment
// per step saying what the program did. Secrets are read from the
// environment (AZURE_CLIENT_SECRET, AZURE_PASSWORD…), as azrepl's flows do.
func Script(program, commandLine string, all []httpx.Exchange) string {
	var b strings.Builder
	fmt.Fprintf(&b, "// Reproduces what %s did, recorded by azrepl record:\n//   %s\n", program, oneLine(commandLine))
	b.WriteString("// Run it with: azrepl run flow.js (add --emulator, or HTTPS_PROXY, to reach the same cloud or emulator)\n\n")
	g := scriptGen{b: &b}
	for _, e := range all {
		g.step(Explain(e), e)
	}
	if !g.any {
		b.WriteString("// Nothing was recorded: there is nothing to reproduce.\n")
	}
	return b.String()
}

type scriptGen struct {
	b        *strings.Builder
	any      bool
	login    *Step  // the sign-in that was reproduced
	dbx      string // the host of the Databricks client, once made
	dbxOAuth bool   // it signs in with Databricks OAuth (its calls use dbx)
	asked    string // the scope of the last device code or sign-in page request
}

func (g *scriptGen) say(s Step, comment string) {
	fmt.Fprintf(g.b, "// %d. %s\n", s.Index, comment)
}

func (g *scriptGen) code(format string, args ...any) {
	g.any = true
	fmt.Fprintf(g.b, format+"\n", args...)
}

func (g *scriptGen) step(s Step, e httpx.Exchange) {
	line := Line("", s)
	line = strings.TrimPrefix(line, strconv.Itoa(s.Index)+".  → ")
	switch s.Kind {
	case KindDiscovery:
		g.say(s, line+" (azrepl reads the same metadata when it needs it)")
	case KindDeviceCode, KindAuthorize:
		g.say(s, line)
		g.asked = s.Scope
	case KindToken:
		g.say(s, line)
		g.token(s)
	default:
		g.say(s, line)
		g.api(s, e)
	}
	g.b.WriteString("\n")
}

func (g *scriptGen) token(s Step) {
	if s.Status == 0 {
		g.code("// (no answer came: not reproduced)")
		return
	}
	if s.Error == "authorization_pending" || s.Error == "slow_down" {
		g.code("// (the program polls until the user signs in: login() does the same)")
		return
	}
	scope := resourceScope(s.Scope)
	if scope == "" && (s.GrantType == "urn:ietf:params:oauth:grant-type:device_code" || s.GrantType == "device_code" || s.GrantType == "authorization_code") {
		scope = resourceScope(g.asked) // the device code poll and the code redemption may leave it out
	}
	switch {
	case s.Endpoint == "databricks workspace" || s.Endpoint == "databricks account":
		host := hostOf(s.URL)
		flow := "u2m"
		switch s.GrantType {
		case "client_credentials":
			flow = "m2m"
		case "urn:ietf:params:oauth:grant-type:token-exchange":
			flow = "file-oidc"
		case "refresh_token":
			if g.dbx == host {
				g.code("// (the Databricks client refreshes its token itself)")
				return
			}
		}
		if g.dbx != host {
			g.dbx, g.dbxOAuth = host, true
			opts := fmt.Sprintf("host: %q, flow: %q", "https://"+host, flow)
			if flow == "m2m" && s.ClientID != "" {
				opts += fmt.Sprintf(", clientId: %q, clientSecret: env.DATABRICKS_CLIENT_SECRET", s.ClientID)
			}
			g.code("const dbx = databricks({%s})", opts)
		}
		g.code("dbx.token()")
	case s.Endpoint == "managed identity":
		if g.login == nil {
			g.login = &s
			g.code("login({flow: \"managed-identity\"%s})", optScope(scope))
		} else {
			g.code("token(%q)", scope)
		}
	case g.login == nil || s.GrantType != "refresh_token" && s.GrantType != "client_credentials" && !sameClient(g.login, s):
		g.loginFor(s, scope)
	default:
		opts := []string{"force: true"}
		if s.Tenant != "" && s.Tenant != g.login.Tenant && !generic(s.Tenant) {
			opts = append(opts, fmt.Sprintf("tenant: %q", s.Tenant))
		}
		if s.Endpoint == "v1" {
			opts = append(opts, "v1: true")
		}
		g.code("token(%q, {%s})", scope, strings.Join(opts, ", "))
	}
}

// loginFor reproduces the sign-in of a token request.
func (g *scriptGen) loginFor(s Step, scope string) {
	opts := []string{}
	add := func(k, v string) {
		if v != "" {
			opts = append(opts, fmt.Sprintf("%s: %q", k, v))
		}
	}
	raw := func(k, v string) { opts = append(opts, k+": "+v) }
	flow := ""
	switch {
	case strings.HasPrefix(s.Grant, "device code"):
		flow = "device"
	case strings.HasPrefix(s.Grant, "authorization code"):
		flow = "browser"
	case strings.HasPrefix(s.Grant, "ROPC"):
		flow = "password"
	case strings.HasPrefix(s.Grant, "client credentials (secret"):
		flow = "secret"
	case strings.HasPrefix(s.Grant, "client credentials (certificate"):
		flow = "certificate"
	case strings.HasPrefix(s.Grant, "client credentials (federated"):
		flow = "workload-identity"
	case s.GrantType == "refresh_token":
		// The recording starts with a cached refresh token: sign in as the
		// program's client would have, then redeem.
		flow = "device"
	default:
		g.code("// (%s is not reproduced by a login flow)", s.Grant)
		return
	}
	add("flow", flow)
	add("tenant", s.Tenant)
	add("clientId", s.ClientID)
	add("scope", scope)
	switch flow {
	case "secret":
		raw("clientSecret", "env.AZURE_CLIENT_SECRET")
	case "certificate":
		raw("certificate", "env.AZURE_CLIENT_CERTIFICATE_PATH")
	case "password":
		raw("username", "env.AZURE_USERNAME")
		raw("password", "env.AZURE_PASSWORD")
	}
	g.login = &s
	g.code("login({%s})", strings.Join(opts, ", "))
	if s.GrantType == "refresh_token" {
		g.code("token(%q, {force: true})", scope)
	}
}

func (g *scriptGen) api(s Step, e httpx.Exchange) {
	if strings.Contains(s.URL, httpx.Mask) {
		g.code("// (its URL carried a secret, masked here: not reproduced)")
		return
	}
	if s.Service == "Databricks" && g.dbx == hostOf(s.URL) && g.dbxOAuth {
		u, _ := url.Parse(s.URL)
		path := u.RequestURI()
		switch s.Method {
		case "GET":
			g.code("dbx.get(%q)", path)
		default:
			g.code("dbx.request({method: %q, path: %q%s})", s.Method, path, bodyOpt(e))
		}
		return
	}
	auth := ""
	if s.Bearer == "" {
		auth = ", auth: false"
	}
	if s.Method == "GET" && auth == "" {
		g.code("http.get(%q)", s.URL)
		return
	}
	g.code("http.request({method: %q, url: %q%s%s})", s.Method, s.URL, bodyOpt(e), auth)
}

func bodyOpt(e httpx.Exchange) string {
	if e.ReqBody == "" || e.ReqForm != nil {
		return ""
	}
	if e.ReqBodyCut || strings.Contains(e.ReqBody, httpx.Mask) {
		return " /* the body was cut or masked in the recording: fill it in */"
	}
	return fmt.Sprintf(", body: %s", strconv.Quote(e.ReqBody))
}

// resourceScope drops the OpenID Connect scopes azrepl adds by itself.
func resourceScope(scope string) string {
	var keep []string
	for _, p := range strings.Fields(scope) {
		switch strings.ToLower(p) {
		case "openid", "profile", "offline_access", "email":
			continue
		}
		keep = append(keep, p)
	}
	return strings.Join(keep, " ")
}

func optScope(scope string) string {
	if scope == "" {
		return ""
	}
	return fmt.Sprintf(", scope: %q", scope)
}

func sameClient(a *Step, b Step) bool { return a.ClientID == b.ClientID }

func generic(tenant string) bool {
	switch strings.ToLower(tenant) {
	case "organizations", "common", "consumers":
		return true
	}
	return false
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}

func oneLine(s string) string {
	return strings.NewReplacer("\n", " ", "\r", " ").Replace(s)
}
