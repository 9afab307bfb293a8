// Package emulator is azrepl's offline stand-in for Entra ID, Microsoft Graph,
// Azure Resource Manager and Azure Databricks, served over real TLS on loopback
// (a direct listener, and a CONNECT proxy that never dials out).
package emulator

import (
	"context"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/azrepl/azrepl/emulator/entra"
	"github.com/azrepl/azrepl/emulator/msi"
	"github.com/azrepl/azrepl/emulator/world"
	"github.com/azrepl/azrepl/internal/connlistener"
	"github.com/azrepl/azrepl/internal/leafca"
)

// Config configures Start. The zero value starts only the direct listener on
// a random loopback port.
type Config struct {
	Listen, Proxy string        // "127.0.0.1:0" defaults; "" = do not start that listener (Listen always starts)
	Dir           string        // when set: ca.pem, env, tenant.json, requests.log written there
	ApproveAfter  time.Duration // 0 = a person approves at https://microsoft.com/devicelogin
	ApproveAs     string        // username (or short name "alice") for auto approval; default alice
	Groups        int           // default 300
	Latency       time.Duration
	Faults        string // e.g. "rate=0.2,kinds=429+503+reset+truncate+html,host=graph.microsoft.com" or "every=5,kinds=429"
	// TokenLifetime, when set, is every access token's lifetime (expires_in =
	// it minus a second): output that must not vary (tests, goldens). 0 is
	// Entra's default: user tokens 60–90 minutes at random, app tokens 3599 s.
	TokenLifetime time.Duration
	DataFile      string    // a tenant.json to load instead of the seeded world
	Log           io.Writer // optional extra sink for request log lines
	// AssertionLifetime is the lifetime of the workload assertion written to
	// DIR/federated-token, which is rewritten at half of it (default 1h).
	AssertionLifetime time.Duration
	// Users, Jobs and Clusters are seeded directory users and Databricks
	// jobs and clusters, built on demand; 0: the world's own (seeded: no
	// users, 45 jobs, 3 clusters).
	Users, Jobs, Clusters int
}

// Emulator is a running emulator; Close stops it.
type Emulator struct {
	cfg    Config
	world  *world.World
	ca     *leafca.CA
	entra  *entra.Server
	faults *faultSpec
	log    *requestLog
	root   http.Handler
	// controlKey gates the control API (/_emulator/…); DIR/control-key holds it.
	controlKey string
	dir        string // where files live (Dir, or a temp dir for the app certificate)
	tmpDir     string // removed on Close

	services    []Service         // the table: see hosts.go and resources.go
	serviceURLs map[string]string // service name → origin of its own plain-HTTP listener
	msi         *msi.Server

	direct    net.Listener
	proxyLn   net.Listener
	servers   []*http.Server
	tunnels   *connlistener.Listener
	logFile   *os.File
	stop      context.CancelFunc // ends background work (the assertion file refresh)
	closeOnce sync.Once
	keys      rsaKeys // being generated for Start
}

// ServiceURL is the origin ("http://127.0.0.1:PORT") of a service's own
// plain-HTTP listener (Service.Listen), or "" when it has none.
func (em *Emulator) ServiceURL(name string) string { return em.serviceURLs[name] }

// DirectURL is the direct https origin, serving every service routed by path.
func (em *Emulator) DirectURL() string { return "https://" + em.direct.Addr().String() }

// ProxyURL is the CONNECT proxy, or nil when it was not started.
func (em *Emulator) ProxyURL() *url.URL {
	if em.proxyLn == nil {
		return nil
	}
	return &url.URL{Scheme: "http", Host: em.proxyLn.Addr().String()}
}

// CAPEM is the emulator CA certificate in PEM.
func (em *Emulator) CAPEM() []byte { return em.ca.PEM() }

// CertPool holds only the emulator CA (no system roots).
func (em *Emulator) CertPool() *x509.CertPool {
	return em.ca.Pool()
}

// HTTPClient trusts the CA and reaches the cloud host names through the
// proxy (loopback addresses directly); without a proxy it dials the direct
// listener for every host but the managed identity listener.
func (em *Emulator) HTTPClient() *http.Client {
	tr := &http.Transport{
		TLSClientConfig:     &tls.Config{RootCAs: em.CertPool(), MinVersion: tls.VersionTLS12},
		MaxIdleConnsPerHost: 16,
		IdleConnTimeout:     30 * time.Second,
	}
	if p := em.ProxyURL(); p != nil {
		tr.Proxy = func(r *http.Request) (*url.URL, error) {
			if ip := net.ParseIP(r.URL.Hostname()); ip != nil && ip.IsLoopback() {
				return nil, nil // the plain-HTTP managed identity endpoints
			}
			return p, nil
		}
	} else {
		addr := em.direct.Addr().String()
		var d net.Dialer
		msiAddr := strings.TrimPrefix(em.ServiceURL(msiService), "http://")
		tr.DialContext = func(ctx context.Context, network, to string) (net.Conn, error) {
			if to == msiAddr {
				return d.DialContext(ctx, network, msiAddr)
			}
			return d.DialContext(ctx, network, addr)
		}
	}
	return &http.Client{Transport: tr, Timeout: time.Minute}
}

// World is the world being served, secrets included.
func (em *Emulator) World() *World { return em.world }

// Entra is the emulator's Entra ID.
func (em *Emulator) Entra() *entra.Server { return em.entra }

// ApproveDevice approves a pending device code as a person would on the
// device login page.
func (em *Emulator) ApproveDevice(userCode, username string) error {
	return em.entra.ApproveDevice(userCode, username)
}

// RevokeRefreshTokens revokes every refresh token issued to the user so far
// (as a password reset would); the next redemption fails with AADSTS50173.
func (em *Emulator) RevokeRefreshTokens(username string) { em.entra.RevokeRefreshTokens(username) }

// RevokeSessions revokes a user's sessions (as an administrator's "revoke
// sessions" would): refresh tokens stop working, and CAE-capable access
// tokens are refused by Graph and ARM with a claims challenge.
func (em *Emulator) RevokeSessions(username string) error { return em.entra.RevokeSessions(username) }

// PublicKey is the key that verifies every Entra token the emulator signs.
func (em *Emulator) PublicKey() *rsa.PublicKey { return em.entra.PublicKey() }

// FederatedToken is an assertion from the emulator's issuer, as a workload
// would get from its platform (a projected service-account token).
func (em *Emulator) FederatedToken(subject, audience string, lifetime time.Duration) (string, error) {
	return em.entra.FederatedToken(subject, audience, lifetime)
}

// FederationIssuer is the URL of the emulator's OIDC issuer.
func (em *Emulator) FederationIssuer() string { return em.entra.FederationIssuer() }
