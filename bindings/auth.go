package bindings

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/azrepl/azrepl/auth"
	"github.com/azrepl/azrepl/errcode"
	"github.com/azrepl/azrepl/httpx"
	"github.com/azrepl/azrepl/internal/textwrap"
	"github.com/dop251/goja"
)

func init() {
	Register(Binding{
		Name: "login",
		Help: `login(opts?) — sign in; returns the account {username, tenantId, objectId, clientId, flow, authority}
  With no options: like az login --use-device-code (Azure CLI client, tenant "organizations", ARM scope).
  opts.flow          how to sign in, one of:
` + FlowList("    ", 112) + `  opts.tenant        tenant GUID or domain (secret/certificate: default $AZURE_TENANT_ID)
  opts.clientId      the app (default: Azure CLI; secret/certificate: $AZURE_CLIENT_ID)
  opts.scope         the first token's scope
  opts.clientSecret  secret flow: else $AZURE_CLIENT_SECRET, else asked on the terminal without echo
  opts.certificate   certificate flow: PEM path(s) with the key and certificate (string or array)
  opts.loginHint     browser flow: the username to preselect
  opts.objectId, opts.resourceId  managed-identity: a user-assigned identity (or opts.clientId)
  Example: login({flow: "secret", tenant: env.AZURE_TENANT_ID, clientId: env.AZURE_CLIENT_ID})`,
		Install: installLogin,
	})
	Register(Binding{
		Name: "logout",
		Help: `logout(username?) — forget an account and its tokens (an app: its clientId); no argument: every account`,
		// installed with login (they share the prompt state)
	})
	Register(Binding{
		Name: "accounts",
		Help: `accounts() — the signed-in accounts, the default one (used by token()) first`,
		// installed with login
	})
	Register(Binding{
		Name: "tokens",
		Help: `tokens() — the token cache: kind, account, clientId, tenant, scope, expiresOn; never the tokens themselves`,
		// installed with login
	})
}

// FlowList is the login flows as help lists them, the default first, one
// per row (login()'s help and `azrepl login --help`).
func FlowList(indent string, width int) string {
	var items []textwrap.Item
	for _, f := range auth.Flows() {
		items = append(items, textwrap.Item{Name: f.Name, Text: f.Summary})
	}
	items[0].Text += " (the default)"
	return textwrap.List(items, indent, width)
}

// installLogin defines login, logout, accounts and tokens: they share the
// state behind the REPL prompt (the default account).
func installLogin(env *Env, rt *goja.Runtime) error {
	p := &promptState{session: env.Auth}
	env.Prompt = p.get
	for name, fn := range map[string]func(goja.FunctionCall) goja.Value{
		"login":    func(call goja.FunctionCall) goja.Value { return login(env, rt, p, call.Argument(0)) },
		"logout":   func(call goja.FunctionCall) goja.Value { return logout(env, rt, p, call.Argument(0)) },
		"accounts": func(goja.FunctionCall) goja.Value { return accounts(env, rt) },
		"tokens":   func(goja.FunctionCall) goja.Value { return tokens(env, rt) },
	} {
		if err := rt.Set(name, fn); err != nil {
			return err
		}
	}
	return nil
}

func login(env *Env, rt *goja.Runtime, p *promptState, arg goja.Value) goja.Value {
	s := session(env, rt)
	o, err := loginOptions(env, rt, arg)
	if err != nil {
		Throw(rt, err)
	}
	a, err := signIn(env, s, func(name string) string { return scriptEnv(rt, name) }, o)
	if err != nil {
		Throw(rt, err)
	}
	p.set(*a)
	return accountObject(rt, *a)
}

func logout(env *Env, rt *goja.Runtime, p *promptState, arg goja.Value) goja.Value {
	s := session(env, rt)
	who := optionalStringArg(rt, "logout(account)", "account", arg)
	if err := s.Logout(who); err != nil {
		Throw(rt, AuthError(env, err))
	}
	p.refresh(s)
	return goja.Undefined()
}

func accounts(env *Env, rt *goja.Runtime) goja.Value {
	list, err := session(env, rt).Accounts()
	return sessionList(env, rt, list, err, func(a auth.Account) any { return accountObject(rt, a) })
}

func tokens(env *Env, rt *goja.Runtime) goja.Value {
	list, err := session(env, rt).Tokens()
	return sessionList(env, rt, list, err, func(t auth.TokenInfo) any {
		o := rt.NewObject()
		set(o, "kind", t.Kind)
		set(o, "account", t.Account)
		set(o, "clientId", t.ClientID)
		set(o, "tenant", nullIfEmpty(rt, t.Tenant))
		set(o, "scope", t.Scope)
		set(o, "authority", t.Authority)
		if t.Kind == "access" {
			set(o, "expiresOn", jsDate(rt, t.ExpiresOn))
		}
		if t.FamilyID != "" {
			set(o, "familyId", t.FamilyID)
		}
		return o
	})
}

// sessionList is what the session listed as a JS array, each element made
// by each; a failed read throws its auth error.
func sessionList[T any](env *Env, rt *goja.Runtime, list []T, err error, each func(T) any) goja.Value {
	if err != nil {
		Throw(rt, AuthError(env, err))
	}
	out := make([]any, len(list))
	for i, v := range list {
		out[i] = each(v)
	}
	return rt.NewArray(out...)
}

// loginOptions reads login's options object; unknown keys are an error
// (a typo such as clientID would otherwise be silently ignored).
func loginOptions(env *Env, rt *goja.Runtime, v goja.Value) (auth.LoginOptions, error) {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return auth.LoginOptions{}, nil
	}
	var lo auth.LoginOptions // its opt tags are login's keys
	if err := DecodeOptions(rt, "login(opts)", v, &lo); err != nil {
		return auth.LoginOptions{}, err
	}
	if err := checkFlow("login(opts)", lo.Flow, auth.FlowNames(), false); err != nil {
		return auth.LoginOptions{}, err
	}
	// Files a script names are confined like fs's: a certificate or token
	// file elsewhere (the token cache, ~/.azure) never leaves the machine.
	if lo.TokenFile != "" {
		lo.TokenFile = confinePath(env, rt, "login(opts.tokenFile)", lo.TokenFile, false)
	}
	for i, c := range lo.CertificatePath { // each confined; never joined into one string a separator could split elsewhere
		lo.CertificatePath[i] = confinePath(env, rt, "login(opts.certificate)", c, false)
	}
	return withImpliedFlow(lo), nil
}

// withImpliedFlow: with no flow named, a client secret or a certificate
// says which flow is meant.
func withImpliedFlow(o auth.LoginOptions) auth.LoginOptions {
	if o.Flow == "" && (o.ClientSecret != "" || len(o.CertificatePath) > 0) {
		o.Flow = auth.FlowSecret
		if len(o.CertificatePath) > 0 {
			o.Flow = auth.FlowCertificate
		}
	}
	return o
}

// session is the auth session, or a JS error when the host has none.
func session(env *Env, rt *goja.Runtime) *auth.Session {
	if env.Auth == nil {
		Throw(rt, &Error{Code: errcode.NoClient, Message: "sign-in is not available in this runtime (no auth session)"})
	}
	return env.Auth
}

// scriptEnv reads the script's env global: the same values the session sees.
func scriptEnv(rt *goja.Runtime, name string) string {
	e := rt.Get("env")
	if e == nil || goja.IsUndefined(e) || goja.IsNull(e) {
		return ""
	}
	v := e.ToObject(rt).Get(name)
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return ""
	}
	return v.String()
}

// AuthError turns an error of auth (or of the network under it) into an
// Error with a stable code, the AADSTS code, the hint and the exit code.
// The message goes through the HTTP client's redaction when there is one.
func AuthError(env *Env, err error) error {
	var be *Error
	if errors.As(err, &be) {
		return err
	}
	redact := func(s string) string { return s }
	if env != nil && env.HTTP != nil {
		redact = env.HTTP.Redact
	}
	e := &Error{Message: redact(err.Error()), Code: errcode.Of(err), Err: err}
	var ee *auth.EntraError
	if errors.As(err, &ee) {
		// The Go error's text ends with the hint (for one-line output);
		// here the hint is its own field, shown once under the message.
		if h := ee.Hint(); h != "" {
			e.Message = redact(strings.Replace(err.Error(), " — "+h, "", 1))
		}
		e.Status = ee.HTTPStatus
		if len(ee.Codes) > 0 {
			e.AADSTS = fmt.Sprintf("AADSTS%d", ee.Codes[0])
		}
		e.Hint = redact(ee.Hint())
	}
	if e.Code == "" {
		e.Code = errcode.AuthFailed
	}
	if e.Hint == "" && e.Code == errcode.Unauthenticated {
		e.Hint = "run login() (or login({flow: \"azcli\"}) to reuse an az login)"
	}
	return e
}

// accountObject is the plain JS object scripts get for an account.
func accountObject(rt *goja.Runtime, a auth.Account) *goja.Object {
	o := rt.NewObject()
	set(o, "username", nullIfEmpty(rt, a.Username))
	set(o, "tenantId", a.TenantID)
	if a.GuestTenantID != "" {
		set(o, "guestTenantId", a.GuestTenantID) // signed in there as a guest; tenantId is the home tenant
	}
	set(o, "objectId", nullIfEmpty(rt, a.ObjectID))
	set(o, "clientId", a.ClientID)
	set(o, "flow", a.Flow)
	set(o, "authority", a.Authority)
	if a.Source != "" {
		set(o, "source", a.Source)
	}
	if len(a.Skipped) > 0 {
		skipped := make([]any, len(a.Skipped))
		for i, s := range a.Skipped {
			skipped[i] = s
		}
		set(o, "skipped", rt.NewArray(skipped...))
	}
	return o
}

// promptState is the REPL prompt's prefix: the default account, read from
// the token cache when the prompt is first shown (so a script never pays for
// it), then updated by login and logout. The REPL reads it from its own
// goroutine.
type promptState struct {
	s       atomic.Pointer[string]
	session *auth.Session
	first   sync.Once // the first read of the cache, unless login or logout came first
}

func (p *promptState) get() string {
	p.first.Do(func() { p.load(p.session) })
	if s := p.s.Load(); s != nil {
		return *s
	}
	return ""
}

func (p *promptState) set(a auth.Account) {
	p.first.Do(func() {})
	s := promptPrefix(a)
	p.s.Store(&s)
}

// promptPrefix: "alice@contoso…" for a user, "app 1a2b3c4d…" for an app
// (the REPL adds the space before its prompt). The name comes from a
// server's token (preferred_username): its control characters are shown
// escaped, never sent to the terminal.
func promptPrefix(a auth.Account) string {
	return strings.NewReplacer("\n", `\x0a`, "\t", " ").Replace(httpx.EscapeControls(promptName(a)))
}

func promptName(a auth.Account) string {
	if a.Username != "" {
		user, domain, ok := strings.Cut(a.Username, "@")
		if !ok {
			return user
		}
		if first, _, more := strings.Cut(domain, "."); more {
			return user + "@" + first + "…"
		}
		return a.Username
	}
	if len(a.ClientID) > 8 {
		return "app " + a.ClientID[:8] + "…"
	}
	if a.ClientID != "" {
		return "app " + a.ClientID
	}
	return ""
}

// refresh reads the default account again (after a logout).
func (p *promptState) refresh(s *auth.Session) {
	p.first.Do(func() {})
	p.load(s)
}

func (p *promptState) load(s *auth.Session) {
	empty := ""
	p.s.Store(&empty)
	if s == nil {
		return
	}
	if list, err := s.Accounts(); err == nil && len(list) > 0 {
		prefix := promptPrefix(list[0])
		p.s.Store(&prefix)
	}
}

func set(o *goja.Object, k string, v any) { _ = o.Set(k, v) }

func nullIfEmpty(rt *goja.Runtime, s string) goja.Value {
	if s == "" {
		return goja.Null()
	}
	return rt.ToValue(s)
}
