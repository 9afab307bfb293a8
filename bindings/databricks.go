package bindings

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/azrepl/azrepl/auth"
	"github.com/azrepl/azrepl/errcode"
	"github.com/azrepl/azrepl/httpx"
	"github.com/dop251/goja"
)

func init() {
	Register(Binding{
		Name: "databricks",
		Help: `databricks({host, profile, flow, clientId, clientSecret}) — a Databricks workspace client
  flow  "pat": a personal access token (opts.token, DATABRICKS_TOKEN or the profile's token), used as is
        "u2m": you, in a browser (databricks-cli public client, PKCE, refresh token cached)
        "m2m": a service principal's client id + secret (HTTP Basic, scope all-apis)
        "azure": a Microsoft Entra token for Azure Databricks from the current login
        "azure-client-secret": an Entra service principal (azure_client_id / azure_client_secret /
        azure_tenant_id of the profile, or ARM_CLIENT_ID / ARM_CLIENT_SECRET / ARM_TENANT_ID): v1 tokens
        for Azure Databricks and Azure management, sent with X-Databricks-Azure-SP-Management-Token and
        X-Databricks-Azure-Workspace-Resource-Id (azure_workspace_resource_id), as the Databricks SDK does
        "file-oidc" | "env-oidc" | "github-oidc": workload identity federation — an OIDC token from
        opts.tokenFile / DATABRICKS_OIDC_TOKEN_FILEPATH, the variable DATABRICKS_OIDC_TOKEN (or the one
        DATABRICKS_OIDC_TOKEN_ENV names), or GitHub Actions, read again before every exchange (RFC 8693)
        for a token of the service principal clientId / DATABRICKS_CLIENT_ID (opts.audience: the
        token's audience, default the workspace token endpoint or, on the account host, the account id)
        default: auth_type / DATABRICKS_AUTH_TYPE, else pat when a token is known, m2m when a client
        id and secret are, else u2m
  account level: {host: "accounts.azuredatabricks.net", accountId (or DATABRICKS_ACCOUNT_ID), flow: "u2m"|"m2m"}
  host and credentials also come from DATABRICKS_HOST / _CLIENT_ID / _CLIENT_SECRET / _CONFIG_PROFILE
  and ~/.databrickscfg profiles. Signs in when called.
  Returns {host, flow, profile, get(path, opts), post(path, body, opts), put, patch, delete,
           all(path, {max, items}), token()}; get/post… throw on non-2xx like graph.*.
  all() follows next_page_token / has_more (iter(path) and each(path, fn) stream it); items: the array's name (default from the path: jobs/list → "jobs")
  Example: databricks({flow: "m2m"}).all("/api/2.1/jobs/list").length`,
		Value: callerValue("databricks", func(c *caller) goja.Value {
			return c.rt.ToValue(func(opts goja.Value) goja.Value { return c.databricks(opts) })
		}),
	})
}

type databricksClient struct {
	c    *caller
	opts auth.DatabricksOptions
	cfg  auth.DatabricksConfig
}

func (c *caller) databricks(v goja.Value) goja.Value {
	if c.env.Auth == nil {
		Throw(c.rt, &Error{Code: errcode.NoClient, Message: "databricks(): no auth session in this runtime (offline mode)"})
	}
	const fn = "databricks(opts)"
	var o auth.DatabricksOptions
	if _, ok := v.(*goja.Object); ok {
		var do databricksOptions
		decodeOpts(c.rt, fn, v, &do)
		if err := checkFlow(fn, do.Flow, auth.DatabricksFlows(), true); err != nil {
			Throw(c.rt, err)
		}
		if do.TokenFile != "" { // a script's path is confined like fs's
			do.TokenFile = confinePath(c.env, c.rt, "databricks(opts.tokenFile)", do.TokenFile, false)
		}
		o = auth.DatabricksOptions{Host: do.Host, Profile: do.Profile, Flow: do.Flow, ClientID: do.ClientID, ClientSecret: do.ClientSecret, Token: do.Token, AccountID: do.AccountID,
			TokenFile: do.TokenFile, Audience: do.Audience}
	} else if given(v) {
		o.Host = databricksHostArg(c.rt, fn, v) // databricks("adb-….azuredatabricks.net")
	}
	for _, secret := range []string{o.ClientSecret, o.Token} {
		if secret != "" {
			c.client().AddSecret(secret)
		}
	}
	d := &databricksClient{c: c, opts: o}
	d.token()          // sign in now, like login(): errors show where the client is made
	flow := d.cfg.Flow // the flow named, else the one the SDK's order picked
	obj := c.rt.NewObject()
	_ = obj.Set("host", d.cfg.Host)
	_ = obj.Set("flow", flow)
	if d.cfg.Profile != "" {
		_ = obj.Set("profile", d.cfg.Profile)
	}
	c.setMethods(obj, d.request, databricksPermission)
	c.setListing(obj, "databricks", func(fn, path string, opts goja.Value) (*httpx.Request, httpx.PageOptions) {
		var lo databricksListOptions
		decodeOpts(c.rt, "databricks."+fn+"(path, opts)", opts, &lo)
		req := d.requestWith("GET", path, &lo.requestOptions)
		items := databricksItems(req.URL)
		if lo.Items != "" {
			items = lo.Items
		}
		if items == "" {
			Throw(c.rt, &Error{Code: errcode.BadRequest,
				Message: fmt.Sprintf("databricks.%s(%q): which array holds the items? pass {items: \"name\"}", fn, path)})
		}
		return req, httpx.PageOptions{Items: items, Next: httpx.DatabricksNext, Max: lo.Max}
	}, databricksPermission)
	_ = obj.Set("token", func() goja.Value { return TokenObject(c.rt, c.conv, d.token()) })
	_ = obj.Set(REPLMethod, func() string { return fmt.Sprintf("[Databricks %s (%s)]", d.cfg.Host, flow) })
	return obj
}

// databricksHostArg is databricks("HOST")'s host: a host name or URL, not
// a flow's name or another value.
func databricksHostArg(rt *goja.Runtime, fn string, v goja.Value) string {
	s, ok := v.Export().(string)
	switch {
	case !ok:
		Throw(rt, argError(fn, "opts must be an object or a workspace host, not "+typeName(v)))
	case slices.Contains(auth.DatabricksFlows(), strings.ToLower(s)):
		Throw(rt, argError(fn, fmt.Sprintf("%q is a flow, not a host — did you mean databricks({flow: %q})?", s, s)))
	case !strings.ContainsAny(s, ".:/"):
		Throw(rt, argError(fn, fmt.Sprintf("%q is not a workspace host such as adb-1234567890123456.7.azuredatabricks.net", s)))
	}
	return s
}

// token gets (from the cache, or by signing in) the token for the workspace.
func (d *databricksClient) token() *auth.Token {
	t, cfg, err := d.c.env.Auth.DatabricksToken(d.c.env.Context(), d.opts)
	if dp := promptOf(d.c.env.Auth); dp != nil {
		dp.Done() // a browser sign-in's countdown line
	}
	if err != nil {
		Throw(d.c.rt, d.c.transportError(err))
	}
	d.cfg = cfg
	for _, secret := range []string{cfg.ClientSecret, cfg.AzureClientSecret} {
		if secret != "" {
			d.c.client().AddSecret(secret)
		}
	}
	return t
}

// request resolves path against the workspace and sets its token.
func (d *databricksClient) request(method, path string, opts goja.Value) *httpx.Request {
	var o requestOptions
	decodeOpts(d.c.rt, d.c.label(method), opts, &o)
	return d.requestWith(method, path, &o)
}

func (d *databricksClient) requestWith(method, path string, o *requestOptions) *httpx.Request {
	full := path
	if !isURL(path) {
		full = d.cfg.Host + rooted(path)
	} else if u, err := url.Parse(path); err != nil || !strings.EqualFold(u.Scheme+"://"+u.Host, d.cfg.Host) {
		// The workspace token is for the workspace only.
		Throw(d.c.rt, &Error{Code: errcode.Refused, Message: fmt.Sprintf("databricks: %s is not on %s: the workspace token is not sent elsewhere (use http.get for other hosts)",
			d.c.client().RedactURL(path), d.cfg.Host)})
	}
	req := d.c.newRequest(method, d.c.rt.ToValue(full), o)
	if req.Header == nil {
		req.Header = map[string][]string{}
	}
	if req.Header.Get("Authorization") == "" && !req.NoAuth {
		t := d.token()
		req.Header.Set("Authorization", "Bearer "+t.AccessToken)
		for k, v := range t.Headers { // azure-client-secret: the management token, the workspace resource id
			req.Header.Set(k, v)
		}
	}
	return req
}

// databricksItems guesses the item array of a list endpoint from its path:
// /api/2.1/jobs/list → "jobs", /api/2.0/clusters/list → "clusters".
func databricksItems(rawURL string) string {
	p := rawURL
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	parts := strings.Split(strings.Trim(p, "/"), "/")
	if n := len(parts); n >= 2 && parts[n-1] == "list" {
		return parts[n-2]
	}
	return ""
}

func databricksPermission(method, path string) string {
	return fmt.Sprintf("%s %s: the user or service principal lacks this permission in the workspace (an admin grants it, e.g. CAN_VIEW / CAN_MANAGE)", method, path)
}
