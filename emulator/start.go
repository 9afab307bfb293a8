package emulator

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/azrepl/azrepl/emulator/entra"
	"github.com/azrepl/azrepl/emulator/internal/wire"
	"github.com/azrepl/azrepl/emulator/world"
	"github.com/azrepl/azrepl/internal/connlistener"
)

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
	if cfg.Dir != "" {
		// DIR/env and the other files name paths in DIR: absolute, so that
		// sourcing them elsewhere still points here.
		abs, err := filepath.Abs(cfg.Dir)
		if err != nil {
			return nil, err
		}
		cfg.Dir = abs
	}
	em := &Emulator{cfg: cfg, log: &requestLog{}, controlKey: wire.RandomToken(32)}
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
		if err := prepareDir(em.dir); err != nil {
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
	em.direct = tls.NewListener(ln, serverTLS(em.ca))
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
	em.tunnels = connlistener.New(pl.Addr())
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
