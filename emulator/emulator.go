// Package emulator is azrepl's offline stand-in for Entra ID, Microsoft Graph,
// Azure Resource Manager and Azure Databricks, served over real TLS on loopback
// (a direct listener, and a CONNECT proxy that never dials out).
package emulator

import (
	"context"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/azrepl/azrepl/emulator/entra"
	"github.com/azrepl/azrepl/emulator/world"
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
	ca     *authority
	entra  *entra.Server
	faults *faultSpec
	log    *requestLog
	root   http.Handler
	dir    string // where files live (Dir, or a temp dir for the app certificate)
	tmpDir string // removed on Close

	services    []Service         // the table: see hosts.go and resources.go
	serviceURLs map[string]string // service name → origin of its own plain-HTTP listener
	msi         *msiServer

	direct    net.Listener
	proxyLn   net.Listener
	servers   []*http.Server
	tunnels   *connListener
	logFile   *os.File
	stop      context.CancelFunc // ends background work (the assertion file refresh)
	closeOnce sync.Once
	keys      rsaKeys // being generated for Start
}

// Start builds the world and starts the listeners. ctx bounds start-up only;
// the emulator runs until Close.
func Start(ctx context.Context, cfg Config) (*Emulator, error) {
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	if cfg.Groups == 0 {
		cfg.Groups = 300
	}
	if cfg.TokenLifetime < 0 {
		cfg.TokenLifetime = 0
	}
	if cfg.AssertionLifetime <= 0 {
		cfg.AssertionLifetime = time.Hour
	}
	if cfg.ApproveAs == "" {
		cfg.ApproveAs = "alice"
	}
	em := &Emulator{cfg: cfg, log: &requestLog{}}
	ok := false
	defer func() {
		if !ok {
			_ = em.Close()
		}
	}()
	var err error
	if em.faults, err = parseFaults(cfg.Faults); err != nil {
		return nil, err
	}
	// Entra's signer, the federation issuer, Databricks and, when the world
	// is seeded, reader-app's certificate: their keys are made meanwhile.
	nkeys := 3
	if cfg.DataFile == "" {
		nkeys++
	}
	em.keys = generateKeys(nkeys)
	if err := em.buildWorld(); err != nil {
		return nil, err
	}
	if em.world.User(cfg.ApproveAs) == nil {
		return nil, fmt.Errorf("approve-as: no user %q in the world", cfg.ApproveAs)
	}
	if em.ca, err = newAuthority(); err != nil {
		return nil, err
	}
	if err := em.bindDirect(ctx); err != nil {
		return nil, err
	}
	issuer := em.DirectURL() + world.IssuerPath
	em.world.ResolveIssuer(issuer)
	sigKey, err := em.keys.next()
	if err != nil {
		return nil, err
	}
	fedKey, err := em.keys.next()
	if err != nil {
		return nil, err
	}
	if em.entra, err = entra.New(entra.Config{World: em.world, SigningKey: sigKey, FederationKey: fedKey, FederationIssuer: issuer,
		TokenLifetime: cfg.TokenLifetime, ApproveAfter: cfg.ApproveAfter, ApproveAs: cfg.ApproveAs}); err != nil {
		return nil, err
	}
	em.mountServices()
	em.root = em.wrap(http.HandlerFunc(em.route))
	// The log is ready before any listener runs.
	if cfg.Dir != "" {
		if err := em.openRequestLog(); err != nil {
			return nil, err
		}
	}
	if cfg.Log != nil {
		em.log.sinks = append(em.log.sinks, cfg.Log)
	}
	if err := em.listen(ctx); err != nil {
		return nil, err
	}
	if cfg.Dir != "" {
		if err := em.writeFiles(); err != nil {
			return nil, err
		}
	}
	ok = true
	return em, nil
}

// buildWorld seeds or loads the world and creates reader-app's certificate.
func (em *Emulator) buildWorld() error {
	em.dir = em.cfg.Dir
	if em.dir != "" {
		if err := os.MkdirAll(em.dir, 0o700); err != nil {
			return err
		}
	} else {
		d, err := os.MkdirTemp("", "azrepl-emulator-")
		if err != nil {
			return err
		}
		em.dir, em.tmpDir = d, d
	}
	if em.cfg.DataFile != "" {
		w, err := world.Load(em.cfg.DataFile, em.cfg.Groups)
		if err != nil {
			return err
		}
		w.ApplyCounts(em.cfg.Users, em.cfg.Jobs, em.cfg.Clusters, true)
		em.world = w
		return nil
	}
	em.world = world.Seed(em.cfg.Groups)
	em.world.ApplyCounts(em.cfg.Users, em.cfg.Jobs, em.cfg.Clusters, false)
	for i := range em.world.Apps {
		a := &em.world.Apps[i]
		if a.Name != "reader-app" {
			continue
		}
		key, err := em.keys.next()
		if err != nil {
			return fmt.Errorf("certificate of %s: %w", a.Name, err)
		}
		cp, kp, err := entra.WriteAppCertificate(em.dir, a.Name, key)
		if err != nil {
			return fmt.Errorf("certificate of %s: %w", a.Name, err)
		}
		a.CertificatePath, a.KeyPath = cp, kp
	}
	return nil
}

// bindDirect opens the direct listener (not yet serving), so its URL is
// known while the world is finished (the federation issuer lives there).
func (em *Emulator) bindDirect(ctx context.Context) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", em.cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen %s: %w", em.cfg.Listen, err)
	}
	em.direct = tls.NewListener(ln, em.ca.tlsConfig())
	return nil
}

// listen serves the direct listener and opens the others.
func (em *Emulator) listen(ctx context.Context) error {
	var lc net.ListenConfig
	em.serve(em.direct, em.root)
	em.serviceURLs = map[string]string{}
	for _, s := range em.services {
		if s.Listen == "" {
			continue
		}
		sl, err := lc.Listen(ctx, "tcp", s.Listen)
		if err != nil {
			return fmt.Errorf("listen %s for %s: %w", s.Listen, s.Name, err)
		}
		em.serviceURLs[s.Name] = "http://" + sl.Addr().String()
		em.serve(sl, em.wrap(s.Handler))
	}
	if em.cfg.Proxy == "" {
		return nil
	}
	pl, err := lc.Listen(ctx, "tcp", em.cfg.Proxy)
	if err != nil {
		return fmt.Errorf("listen %s: %w", em.cfg.Proxy, err)
	}
	em.proxyLn = pl
	em.tunnels = newConnListener(pl.Addr())
	em.serve(em.tunnels, em.root)
	em.serve(pl, http.HandlerFunc(em.proxy))
	return nil
}

func (em *Emulator) serve(ln net.Listener, h http.Handler) {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),                               // handshake noise from clients that do not trust the CA
		TLSNextProto:      map[string]func(*http.Server, *tls.Conn, http.Handler){}, // HTTP/1.1 only
	}
	em.servers = append(em.servers, srv)
	go func() { _ = srv.Serve(ln) }()
}

// route picks the service: by host name for real cloud hosts (proxy), by path
// on the loopback origin (direct listener).
func (em *Emulator) route(w http.ResponseWriter, r *http.Request) {
	s := em.serviceForHost(r.Host)
	if s == nil {
		s = em.serviceForPath(r.URL.Path)
	}
	if s == nil || s.Handler == nil {
		http.NotFound(w, r)
		return
	}
	s.Handler.ServeHTTP(w, r)
}

// ServiceURL is the origin ("http://127.0.0.1:PORT") of a service's own
// plain-HTTP listener (Service.Listen), or "" when it has none.
func (em *Emulator) ServiceURL(name string) string { return em.serviceURLs[name] }

// Close stops the listeners and removes temporary files.
func (em *Emulator) Close() error {
	em.closeOnce.Do(func() {
		if em.stop != nil {
			em.stop()
		}
		for _, s := range em.servers {
			_ = s.Close()
		}
		if em.proxyLn != nil {
			_ = em.proxyLn.Close()
		}
		if em.direct != nil {
			_ = em.direct.Close() // bound but never served when Start failed half-way
		}
		em.log.mu.Lock()
		em.log.sinks = nil // handlers still finishing must not write to a closed file
		em.log.mu.Unlock()
		if em.logFile != nil {
			_ = em.logFile.Close()
		}
		if em.tmpDir != "" {
			_ = os.RemoveAll(em.tmpDir)
		}
	})
	return nil
}

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
func (em *Emulator) CAPEM() []byte { return em.ca.certPEM }

// CertPool holds only the emulator CA (no system roots).
func (em *Emulator) CertPool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(em.ca.cert)
	return p
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
		msi := strings.TrimPrefix(em.ServiceURL(msiService), "http://")
		tr.DialContext = func(ctx context.Context, network, to string) (net.Conn, error) {
			if to == msi {
				return d.DialContext(ctx, network, msi)
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

var errListenerClosed = errors.New("listener closed")
