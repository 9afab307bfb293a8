package auth

import (
	"cmp"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/azrepl/azrepl/internal/firstparty"
)

// Defaults of `az login --use-device-code`.
const (
	AzureCLIClientID = firstparty.AzureCLI
	DefaultTenant    = "organizations"
	DefaultScope     = "https://management.core.windows.net//.default"
	// cp1Claims is the client capability Azure CLI declares (CAE).
	cp1Claims = `{"access_token":{"xms_cc":{"values":["CP1"]}}}`
)

// expiryMargin: a cached token that expires sooner than this is renewed.
const expiryMargin = 5 * time.Minute

// Config wires a Session to the rest of the program.
type Config struct {
	HTTP    *http.Client       // every exchange goes through it (httpx's traced client)
	Home    string             // AZREPL_HOME: tokens.json lives here
	Cloud   Cloud              // zero value: public cloud (AZURE_AUTHORITY_HOST still applies)
	Prompt  io.Writer          // where the device-code message and countdown go (stderr)
	OpenURL func(string) error // opens a browser; nil = print the URL only
	// Getenv looks up AZURE_* and DATABRICKS_* variables; nil = os.Getenv.
	// Tests pass a map so they never change the process environment.
	Getenv func(string) string
	// Warn receives messages such as "the cache was damaged and moved
	// aside"; nil = written to Prompt.
	Warn func(string)
	// OnDeviceCode, when set, shows the device code instead of Prompt.
	OnDeviceCode func(DeviceCode)
	// OnCountdown is called before each device-code poll, and once a second
	// while a browser sign-in is awaited, with the time left.
	OnCountdown func(time.Duration)
	// BrowserTimeout bounds the wait at the loopback listener (default 5 min).
	BrowserTimeout time.Duration
	// SendClaims adds the CP1 client-capability claims parameter, as az does.
	SendClaims bool
	// Secret is told every secret a flow reads (an identity header, a key
	// file, an assertion, a password) so the HTTP trace can mask it; nil =
	// nobody to tell.
	Secret func(string)
}

// LoginOptions chooses the flow and its parameters; empty fields take the
// Azure CLI's defaults or the AZURE_* environment. A field's opt tag is its
// key in login({…}) and, in kebab case, its flag of azrepl login (bindings
// and cmd read the tags, so a new option is one field here).
type LoginOptions struct {
	Flow            string   `opt:"flow"`
	Tenant          string   `opt:"tenant"`
	ClientID        string   `opt:"clientId"`
	Scope           string   `opt:"scope"`
	ClientSecret    string   `opt:"clientSecret"`
	CertificatePath []string `opt:"certificate"` // PEM files holding, between them, the key and its certificate (default $AZURE_CLIENT_CERTIFICATE_PATH)
	LoginHint       string   `opt:"loginHint"`
	Alg             string   `opt:"alg"`        // certificate assertion: PS256 (default) or RS256
	ObjectID        string   `opt:"objectId"`   // managed identity: a user-assigned identity by object id
	ResourceID      string   `opt:"resourceId"` // managed identity: a user-assigned identity by ARM resource id
	TokenFile       string   `opt:"tokenFile"`  // workload identity: the assertion file (default $AZURE_FEDERATED_TOKEN_FILE)
	Username        string   `opt:"username"`   // password flow (default $AZURE_USERNAME)
	Password        string   `opt:"password"`   // password flow: used once, never stored (default $AZURE_PASSWORD)
}

// TokenOptions picks another tenant or client than the login's.
type TokenOptions struct {
	Tenant   string
	ClientID string
	Force    bool // skip the cached access token
	// Claims is a claims challenge from a resource (the decoded JSON of
	// WWW-Authenticate's claims="…"): the refresh token is redeemed with it.
	Claims  string
	Account string
	// OnBehalfOf is a user's access token to this API (the app login):
	// exchanged for a token to scope as that user (never cached).
	OnBehalfOf string
	// V1 asks the v1 endpoint (/{tenant}/oauth2/token, resource=) for the
	// scope's resource, as ADAL-era clients and the Databricks SDK do.
	V1 bool
}

// Token is an access token with what a person wants to know about it.
type Token struct {
	AccessToken string
	Scope       string // as granted (or as asked when the server did not say)
	Audience    string
	ExpiresOn   time.Time
	Claims      map[string]any
	TokenType   string
	Tenant      string
	ClientID    string
	Account     Account
	FromCache   bool
	Resource    string    // a v1 answer's resource
	NotBefore   time.Time // a v1 answer's not_before
	// Headers go with the token on every request (Azure Databricks service
	// principals: the management token and the workspace resource id).
	Headers map[string]string
}

// TokenInfo describes a cached token without its secret.
type TokenInfo struct {
	Kind      string // "access" or "refresh"
	Account   string // username, or the app's client id for app logins
	ClientID  string
	Tenant    string
	Scope     string
	Audience  string // the access token's aud claim ("" when it is not a JWT)
	Authority string // host
	ExpiresOn time.Time
	FamilyID  string
}

// Session is the signed-in state: the cache on disk plus app credentials
// in memory. It is safe for concurrent use.
type Session struct {
	cfg   Config
	cache *tokenCache
	mu    sync.Mutex
	creds map[string]credential // account key → credential of an app login
}

// Home is the folder of the token cache (tokens.json): files there are
// secrets that scripts must not read (require refuses it).
func (s *Session) Home() string { return s.cfg.Home }

// NewSession opens (or creates) the token cache under cfg.Home.
func NewSession(cfg Config) (*Session, error) {
	if cfg.Getenv == nil {
		cfg.Getenv = os.Getenv
	}
	if cfg.Cloud.AuthorityHost == "" {
		cfg.Cloud = CloudPublic
	}
	if h := cfg.Getenv("AZURE_AUTHORITY_HOST"); h != "" {
		c, err := cfg.Cloud.WithAuthorityHost(h)
		if err != nil {
			return nil, fmt.Errorf("AZURE_AUTHORITY_HOST: %w", err)
		}
		cfg.Cloud = c
	}
	if cfg.Prompt == nil {
		cfg.Prompt = io.Discard
	}
	if cfg.Warn == nil {
		w := cfg.Prompt
		cfg.Warn = func(s string) { fmt.Fprintln(w, "warning:", s) }
	}
	c, err := openTokenCache(cfg.Home, cfg.Warn)
	if err != nil {
		return nil, err
	}
	return &Session{cfg: cfg, cache: c, creds: map[string]credential{}}, nil
}

// Cloud is the session's cloud (after AZURE_AUTHORITY_HOST).
func (s *Session) Cloud() Cloud { return s.cfg.Cloud }

func (s *Session) env(name string) string { return s.cfg.Getenv(name) }

// learn hands a secret to the trace's masking.
func (s *Session) learn(secret string) {
	if s.cfg.Secret != nil && secret != "" {
		s.cfg.Secret(secret)
	}
}

// userScope is what a user login asks: the resource scope plus the
// reserved scopes that bring a refresh token, id_token and client_info.
func userScope(scope string) string {
	have := map[string]bool{}
	for _, f := range strings.Fields(scope) {
		have[strings.ToLower(f)] = true
	}
	out := scope
	for _, r := range []string{"offline_access", "openid", "profile"} {
		if !have[r] {
			out += " " + r
		}
	}
	return strings.TrimSpace(out)
}

func (s *Session) userExtra() map[string][]string {
	x := map[string][]string{"client_info": {"1"}}
	if s.cfg.SendClaims {
		x["claims"] = []string{cp1Claims}
	}
	return x
}

func (s *Session) showDeviceCode(dc DeviceCode) {
	if s.cfg.OnDeviceCode != nil {
		s.cfg.OnDeviceCode(dc)
		return
	}
	fmt.Fprintln(s.cfg.Prompt, dc.Message)
	fmt.Fprintf(s.cfg.Prompt, "(the code expires in %s)\n", dc.ExpiresIn.Round(time.Second))
	if s.cfg.OpenURL != nil && dc.VerificationURI != "" {
		_ = s.cfg.OpenURL(dc.VerificationURI)
	}
}

func (s *Session) showURL(u string) {
	wait := cmp.Or(s.cfg.BrowserTimeout, 5*time.Minute)
	fmt.Fprintf(s.cfg.Prompt, "Sign in with your browser. If it does not open, open this URL:\n%s\nWaiting up to %s for the sign-in (Ctrl-C to cancel)…\n", u, wait)
}

func putAccess(d *cacheData, a Account, tenant, scope string, tr *TokenResponse, now int64) {
	n := normalizeScope(scope)
	d.AccessTokens[accessKey(a.Environment, tenant, a.ClientID, a.HomeAccountID, n)] = accessEntry{
		Environment: a.Environment, Tenant: tenant, ClientID: a.ClientID, HomeAccountID: a.HomeAccountID,
		Scope: n, GrantedScope: tr.Scope, TokenType: tr.TokenType, Secret: tr.AccessToken,
		ExpiresOn: tr.ExpiresOn.Unix(), CachedAt: now,
	}
}

// Accounts lists the signed-in accounts, the default one first.
func (s *Session) Accounts() ([]Account, error) {
	d, err := s.cache.read()
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(d.Accounts))
	for k := range d.Accounts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if (keys[i] == d.Default) != (keys[j] == d.Default) {
			return keys[i] == d.Default
		}
		return keys[i] < keys[j]
	})
	out := make([]Account, 0, len(keys))
	for _, k := range keys {
		out = append(out, d.Accounts[k])
	}
	return out, nil
}

// Logout forgets an account (by username, or by client id for app
// logins) and its tokens; "" forgets every account.
func (s *Session) Logout(who string) error {
	found := false
	err := s.cache.update(func(d *cacheData) error {
		gone := map[string]bool{} // env|hid
		for k, a := range d.Accounts {
			if who == "" || strings.EqualFold(a.Username, who) || (a.isApp() && strings.EqualFold(a.ClientID, who)) {
				gone[strings.ToLower(a.Environment+"|"+a.HomeAccountID)] = true
				delete(d.Accounts, k)
				if k == d.Default {
					d.Default = ""
				}
				s.mu.Lock()
				delete(s.creds, k)
				s.mu.Unlock()
				found = true
			}
		}
		for k, e := range d.AccessTokens {
			if who == "" || gone[strings.ToLower(e.Environment+"|"+e.HomeAccountID)] {
				delete(d.AccessTokens, k)
			}
		}
		for k, e := range d.RefreshTokens {
			if who == "" || gone[strings.ToLower(e.Environment+"|"+e.HomeAccountID)] {
				delete(d.RefreshTokens, k)
			}
		}
		if d.Default == "" {
			for k := range d.Accounts {
				d.Default = k
				break
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if who != "" && !found {
		return fmt.Errorf("%w: %q is not signed in (accounts() lists who is)", ErrNoSuchAccount, who)
	}
	return nil
}

// Tokens lists the cached tokens without their secrets.
func (s *Session) Tokens() ([]TokenInfo, error) {
	d, err := s.cache.read()
	if err != nil {
		return nil, err
	}
	name := func(env, hid string) string {
		for _, a := range d.Accounts {
			if strings.EqualFold(a.Environment, env) && strings.EqualFold(a.HomeAccountID, hid) {
				if a.Username != "" {
					return a.Username
				}
				return a.ClientID
			}
		}
		return hid
	}
	var out []TokenInfo
	for _, e := range d.AccessTokens {
		out = append(out, TokenInfo{Kind: "access", Account: name(e.Environment, e.HomeAccountID), ClientID: e.ClientID,
			Tenant: e.Tenant, Scope: e.Scope, Audience: audienceOf(e.Secret), Authority: e.Environment, ExpiresOn: time.Unix(e.ExpiresOn, 0)})
	}
	for _, e := range d.RefreshTokens {
		out = append(out, TokenInfo{Kind: "refresh", Account: name(e.Environment, e.HomeAccountID), ClientID: e.ClientID,
			Scope: e.Scope, Authority: e.Environment, FamilyID: e.FamilyID})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Scope < b.Scope
	})
	return out, nil
}

// isApp: an app-only login (no user), keyed "app:<client>.<tenant>".
func (a Account) isApp() bool { return strings.HasPrefix(a.HomeAccountID, "app:") }
