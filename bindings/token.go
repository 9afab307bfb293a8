package bindings

import (
	"cmp"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/azrepl/azrepl/auth"
	"github.com/dop251/goja"
)

func init() {
	Register(Binding{
		Name: "token",
		Help: `token(scope?, opts?) — an access token: cached, else the refresh token redeemed for that scope
  scope           default "https://management.core.windows.net//.default" (ARM, as az); a resource
                  ("https://graph.microsoft.com", an app id GUID) means RESOURCE/.default, as az --resource
  opts.tenant     another tenant than the login's
  opts.clientId   another client: a FOCI family client redeems the family refresh token
  opts.force      skip the cached token
  opts.account    which signed-in account (username), default: the last login
  opts.onBehalfOf on-behalf-of: the access token a user sent to this API (the app login, secret or
                  certificate) is exchanged for a token to scope as that user (not cached)
  opts.v1         the v1 endpoint (/{tenant}/oauth2/token, resource=) for the scope's resource, as
                  ADAL and the Databricks SDK ask; the Token also has .resource and .notBefore
  Returns a Token: .token (the JWT), .scope, .audience, .expiresOn (Date), .claims, .tenant, .clientId.
  String(t) is the JWT; printing t or JSON.stringify(t) never shows it.
  Example: token("https://graph.microsoft.com/.default").claims.scp`,
		Value: func(env *Env, rt *goja.Runtime) (goja.Value, error) {
			conv, err := NewJSONConverter(rt)
			if err != nil {
				return nil, err
			}
			return rt.ToValue(func(call goja.FunctionCall) goja.Value {
				s := session(env, rt)
				scope := optionalStringArg(rt, "token(scope, opts)", "scope", call.Argument(0))
				o, err := tokenOptions(rt, call.Argument(1))
				if err != nil {
					Throw(rt, err)
				}
				t, err := s.Token(env.Context(), scope, o)
				if err != nil {
					Throw(rt, AuthError(env, err))
				}
				return TokenObject(rt, conv, t)
			}), nil
		},
	})
}

func tokenOptions(rt *goja.Runtime, v goja.Value) (auth.TokenOptions, error) {
	var to tokenOptionsJS
	err := DecodeOptions(rt, "token(scope, opts)", v, &to)
	return auth.TokenOptions{Tenant: to.Tenant, ClientID: to.ClientID, Account: to.Account, Force: to.Force, OnBehalfOf: to.OnBehalfOf, V1: to.V1}, err
}

// TokenObject is the JS Token: a plain object whose .token, toString, toJSON
// and REPL rendering are not enumerable, so that spreading it, printing it or
// JSON.stringify never carries the JWT. Other bindings (databricks) return
// their tokens with it too.
func TokenObject(rt *goja.Runtime, conv *JSONConverter, t *auth.Token) *goja.Object {
	o := rt.NewObject()
	hidden := func(k string, v any) {
		_ = o.DefineDataProperty(k, rt.ToValue(v), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE)
	}
	hidden("token", t.AccessToken)
	set(o, "scope", t.Scope)
	set(o, "audience", nullIfEmpty(rt, t.Audience))
	set(o, "expiresOn", jsDate(rt, t.ExpiresOn))
	claims := goja.Value(rt.NewObject())
	if b, err := json.Marshal(t.Claims); err == nil && t.Claims != nil {
		if v, err := conv.Parse(string(b)); err == nil {
			claims = v
		}
	}
	set(o, "claims", claims)
	set(o, "tenant", nullIfEmpty(rt, t.Tenant))
	set(o, "clientId", nullIfEmpty(rt, t.ClientID))
	set(o, "account", nullIfEmpty(rt, cmp.Or(t.Account.Username, t.Account.ClientID)))
	set(o, "fromCache", t.FromCache)
	jsonKeys := []string{"scope", "audience", "expiresOn", "claims", "tenant", "clientId", "account"}
	if t.Resource != "" { // a v1 answer
		set(o, "resource", t.Resource)
		jsonKeys = append(jsonKeys, "resource")
	}
	if !t.NotBefore.IsZero() {
		set(o, "notBefore", jsDate(rt, t.NotBefore))
		jsonKeys = append(jsonKeys, "notBefore")
	}
	hidden("toString", func(goja.FunctionCall) goja.Value { return rt.ToValue(t.AccessToken) })
	hidden("toJSON", func(goja.FunctionCall) goja.Value {
		j := rt.NewObject()
		for _, k := range jsonKeys {
			set(j, k, o.Get(k))
		}
		return j
	})
	hidden(REPLMethod, func(goja.FunctionCall) goja.Value { return rt.ToValue(RenderToken(t, time.Now())) })
	return o
}

// shownClaims are the claims the REPL shows of a token, in this order.
var shownClaims = []string{"upn", "unique_name", "preferred_username", "appid", "azp", "scp", "roles", "tid", "oid"}

// RenderToken is a Token as the REPL prints it: what it is for, when it
// expires and the claims people look at — never the JWT.
func RenderToken(t *auth.Token, now time.Time) string {
	var b strings.Builder
	aud := cmp.Or(t.Audience, "(no audience)")
	fmt.Fprintf(&b, "Token for %s, %s\n", aud, expiresIn(t.ExpiresOn, now))
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "  %-10s %s\n", k, v)
		}
	}
	row("scope", t.Scope)
	row("resource", t.Resource)
	row("account", cmp.Or(t.Account.Username, t.Account.ClientID))
	row("clientId", t.ClientID)
	row("tenant", t.Tenant)
	row("expiresOn", t.ExpiresOn.Local().Format("2006-01-02 15:04:05 MST"))
	seen := map[string]bool{}
	for _, k := range shownClaims {
		v, ok := t.Claims[k]
		if !ok {
			continue
		}
		s := claimString(v)
		if (k == "unique_name" || k == "preferred_username") && seen[s] {
			continue // the same name as upn
		}
		seen[s] = true
		row(k, s)
	}
	b.WriteString("  (the JWT is hidden: String(t) or t.token gives it)")
	return b.String()
}

func claimString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			parts = append(parts, fmt.Sprint(e))
		}
		sort.Strings(parts)
		return strings.Join(parts, " ")
	}
	return fmt.Sprint(v)
}

// expiresIn is "expires in 59m" or "expired 3m ago".
func expiresIn(exp, now time.Time) string {
	if exp.IsZero() {
		return "expiry unknown"
	}
	d := exp.Sub(now)
	if d < 0 {
		return "expired " + roundDuration(-d) + " ago"
	}
	return "expires in " + roundDuration(d)
}

// jsDate is a JS Date for t (null for the zero time).
func jsDate(rt *goja.Runtime, t time.Time) goja.Value {
	if t.IsZero() {
		return goja.Null()
	}
	d, err := rt.New(rt.Get("Date"), rt.ToValue(t.UnixMilli()))
	if err != nil {
		return goja.Null()
	}
	return d
}
