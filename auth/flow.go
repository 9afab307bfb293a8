package auth

import (
	"cmp"
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/azrepl/azrepl/internal/suggest"
)

// A flow is one way to sign in, in one file (login_*.go): how it gets its
// first token and, for an account it signed in, how later tokens are had.
type flow interface {
	// login signs in and returns what to store; nothing is stored by it.
	login(ctx context.Context, s *Session, o LoginOptions) (*loginResult, error)
	// credential is how an account of this flow gets tokens without a
	// person: nil means it redeems its refresh token (user flows). An app
	// flow rebuilds it from the environment or files when this process did
	// not sign in (the credential itself is never cached on disk).
	credential(s *Session, a Account) (credential, error)
}

// credential gets app tokens without a person: a secret, a certificate, a
// federated assertion, a managed identity endpoint. It is kept in memory
// only; what it reads (a file, an endpoint) is read again on every token.
type credential interface {
	token(ctx context.Context, s *Session, tenant, scope string) (*TokenResponse, error)
}

// flows maps LoginOptions.Flow (and Account.Flow) to its flow.
var flows = map[string]registered{}

// registered is a flow and its line in the help texts.
type registered struct {
	flow
	summary string
}

// registerFlow adds a flow (from its file's init); summary is the one line
// login()'s help and `azrepl login --help` show for it.
func registerFlow(name string, f flow, summary string) { flows[name] = registered{f, summary} }

// FlowNames lists the login flows, sorted.
func FlowNames() []string {
	names := make([]string, 0, len(flows))
	for n := range flows {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// flowNames lists the flows for error messages.
func flowNames() string { return strings.Join(FlowNames(), ", ") }

// FlowHelp is a login flow as the help texts list it.
type FlowHelp struct{ Name, Summary string }

// Flows lists every login flow for help texts: the default one first, the
// others by name.
func Flows() []FlowHelp {
	out := []FlowHelp{{FlowDevice, flows[FlowDevice].summary}}
	for _, n := range FlowNames() {
		if n != FlowDevice {
			out = append(out, FlowHelp{n, flows[n].summary})
		}
	}
	return out
}

// A secretAsker is a flow that signs in with a secret a person may type (a
// client secret, a password). The caller asks for it on a terminal, where
// there is one, when neither the options nor the environment hold it.
type secretAsker interface {
	missingSecret(o LoginOptions, getenv func(string) string) *MissingSecret
}

// MissingSecret is a secret a login needs and was not given.
type MissingSecret struct {
	Prompt     string // what to ask, without echo
	NoTerminal string // the error when there is no terminal to ask on
	fill       func(o *LoginOptions, secret string)
}

// Fill puts the secret a person typed into the options.
func (m *MissingSecret) Fill(o *LoginOptions, secret string) { m.fill(o, secret) }

// SecretToAsk is the secret o's flow needs and lacks (getenv reads the
// caller's environment), or nil.
func SecretToAsk(o LoginOptions, getenv func(string) string) *MissingSecret {
	if a, ok := flows[cmp.Or(o.Flow, FlowDevice)].flow.(secretAsker); ok {
		return a.missingSecret(o, getenv)
	}
	return nil
}

// loginResult is what a flow's login produced; Session.save stores it.
type loginResult struct {
	account  Account
	tenant   string         // the tenant segment the token was asked for
	scope    string         // the scope as asked
	resp     *TokenResponse // nil: no token yet (an imported refresh token)
	imported *refreshEntry  // a refresh token taken from another program's cache
	cred     credential     // kept in memory for later tokens (app flows)
	// skipped explains the credentials an automatic login passed over.
	skipped []string
}

// saved is one write to the token cache. Every token azrepl obtains reaches
// tokens.json through Session.save and nowhere else.
type saved struct {
	account Account
	login   bool // record the account and make it the default one
	tenant  string
	scope   string
	resp    *TokenResponse
	refresh *refreshEntry // an imported refresh token
}

// save stores an account, its access token (under the tenant asked and,
// after a multi-tenant user login, the home tenant GUID too, as az does) and
// its refresh token.
func (s *Session) save(v saved) error {
	now := time.Now()
	return s.cache.update(func(d *cacheData) error {
		a := v.account
		if v.login {
			k := accountKey(a)
			d.Accounts[k] = a
			d.Default = k
		}
		if tr := v.resp; tr != nil {
			putAccess(d, a, v.tenant, v.scope, tr, now.Unix())
			if t := strings.ToLower(v.tenant); v.login && (t == "organizations" || t == "common") && a.TenantID != "" {
				// A token from a multi-tenant authority is issued by the home
				// tenant: cache it there too, where Token() looks first.
				putAccess(d, a, a.TenantID, v.scope, tr, now.Unix())
			}
			if tr.RefreshToken != "" {
				d.putRefresh(refreshEntry{Environment: a.Environment, HomeAccountID: a.HomeAccountID, ClientID: a.ClientID,
					FamilyID: tr.Foci, Scope: tr.Scope, Secret: tr.RefreshToken, UpdatedAt: now.UnixNano()})
			}
		}
		if v.refresh != nil {
			d.putRefresh(*v.refresh)
		}
		return nil
	})
}

// FlowDevice is the device code login (login_device.go), the flow of a
// login that names none.
const FlowDevice = "device"

// Login signs in with the chosen flow, stores the tokens and makes the
// account the default one.
func (s *Session) Login(ctx context.Context, o LoginOptions) (*Account, error) {
	name := o.Flow
	if name == "" {
		name = FlowDevice
	}
	f, ok := flows[name]
	if !ok {
		return nil, fmt.Errorf("unknown login flow %q%s: use %s", o.Flow, suggest.DidYouMean(o.Flow, FlowNames()), flowNames())
	}
	o.Flow = name
	r, err := f.login(ctx, s, o)
	if err != nil {
		// A first-party client not pre-authorized for the scope: the same
		// advice as token() gives (the browser flow meets it at /authorize).
		return nil, withPreauthAdvice(err, cmp.Or(o.ClientID, AzureCLIClientID), cmp.Or(o.Scope, DefaultScope))
	}
	if r.cred != nil {
		s.mu.Lock()
		s.creds[accountKey(r.account)] = r.cred
		s.mu.Unlock()
	}
	if err := s.save(saved{account: r.account, login: true, tenant: r.tenant, scope: r.scope, resp: r.resp, refresh: r.imported}); err != nil {
		return nil, err
	}
	a := r.account
	a.Skipped = r.skipped
	return &a, nil
}

// credentialFor is the in-memory credential of an app login, else the one
// its flow rebuilds (from the environment, a file, an endpoint).
func (s *Session) credentialFor(a Account) (credential, error) {
	s.mu.Lock()
	c, ok := s.creds[accountKey(a)]
	s.mu.Unlock()
	if ok {
		return c, nil
	}
	f, ok := flows[a.Flow]
	if !ok {
		return nil, nil
	}
	return f.credential(s, a)
}

// appAccount is the account of an app-only login: an app has no home
// account, so it is keyed by the app in its tenant.
func (s *Session) appAccount(flow, tenant, clientID string, tr *TokenResponse) Account {
	a := Account{ClientID: clientID, Flow: flow, Tenant: tenant, TenantID: tenant,
		Environment: s.cfg.Cloud.host(), Authority: s.cfg.Cloud.Authority(tenant)}
	if j, err := DecodeJWT(tr.AccessToken); err == nil {
		a.TenantID = cmp.Or(j.StringClaim("tid"), tenant)
		a.ObjectID = j.StringClaim("oid")
		if clientID == "" {
			a.ClientID = cmp.Or(j.StringClaim("appid"), j.StringClaim("azp"))
		}
	}
	a.HomeAccountID = "app:" + strings.ToLower(a.ClientID) + "." + strings.ToLower(a.TenantID)
	return a
}
