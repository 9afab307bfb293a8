// Package record runs a program behind a recording proxy on loopback: the
// exchanges with the Microsoft identity, Graph, ARM and Databricks hosts are
// decrypted with a per-run CA (its key never leaves memory), forwarded with
// strict TLS, and kept as azrepl's redacted trace; every other host is a
// tunnel that is never decrypted.
package record

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/azrepl/azrepl/httpx"
)

// Config says what to run and where its traffic goes.
type Config struct {
	Command   []string // the program and its arguments
	Intercept []string // hosts recorded besides the built-in ones
	// Onward carries the decrypted requests on: its trace is the recording.
	// It verifies TLS strictly and follows no redirect (the program does).
	Onward *httpx.Client
	// TunnelRoute is the proxy of the tunnels (nil: HTTPS_PROXY/NO_PROXY
	// of this process, as http.ProxyFromEnvironment).
	TunnelRoute func(*http.Request) (*url.URL, error)
	Environ     []string  // the program's environment before the recorder's variables (default os.Environ())
	RootFiles   []string  // PEM files the program also trusts (default httpx.TrustedRootFiles())
	Stdin       io.Reader // default os.Stdin
	Stdout      io.Writer // default os.Stdout
	Stderr      io.Writer // default os.Stderr
	// TempDir is where the per-run folder is made (default os.TempDir()).
	TempDir string
	// Started, when set, is called with the per-run folder once the
	// program runs (tests check that it is gone afterwards).
	Started func(dir string)
}

// Result is what a run recorded.
type Result struct {
	Exchanges   []httpx.Exchange
	Connections Connections
	Exit        int    // azrepl's exit status
	Signal      string // the signal that ended the program, if any
	StartErr    error  // the program never ran (Exit 127 or 126)
	Start, End  time.Time
}

// Run runs the program behind the recorder until it ends (killed when ctx
// is done). The per-run folder
// (the CA bundle and the Java trust store) is removed before Run returns.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if len(cfg.Command) == 0 {
		return nil, errors.New("no program to run")
	}
	if cfg.Onward == nil {
		return nil, errors.New("no onward client")
	}
	if cfg.Environ == nil {
		cfg.Environ = os.Environ()
	}
	if cfg.RootFiles == nil {
		cfg.RootFiles = httpx.TrustedRootFiles()
	}
	if cfg.TunnelRoute == nil {
		cfg.TunnelRoute = http.ProxyFromEnvironment
	}
	cfg.Stdin = cmpReader(cfg.Stdin, os.Stdin)
	cfg.Stdout = cmpWriter(cfg.Stdout, os.Stdout)
	cfg.Stderr = cmpWriter(cfg.Stderr, os.Stderr)
	ca, err := newAuthority()
	if err != nil {
		return nil, fmt.Errorf("making the run's CA: %w", err)
	}
	dir, err := os.MkdirTemp(cfg.TempDir, "azrepl-record-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, err
	}
	trust, err := writeTrust(dir, ca, cfg.RootFiles)
	if err != nil {
		return nil, fmt.Errorf("writing the trust files: %w", err)
	}
	n := newNotes()
	p, err := startProxy(proxyConfig{CA: ca, Hosts: newHostSet(cfg.Intercept), Onward: cfg.Onward.HTTPClient().Transport,
		Route: cfg.TunnelRoute, Notes: n})
	if err != nil {
		return nil, err
	}
	defer p.close()
	if cfg.Started != nil {
		cfg.Started(dir)
	}
	res := &Result{Start: time.Now()}
	st := runChild(ctx, cfg.Command, childEnv(cfg.Environ, p.URL(), trust), cfg.Stdin, cfg.Stdout, cfg.Stderr)
	res.End = time.Now()
	p.close()
	res.Exit, res.Signal, res.StartErr = st.Code, st.Signal, st.StartErr
	res.Exchanges = cfg.Onward.Trace()
	res.Connections = n.snapshot()
	return res, nil
}

func cmpReader(r, def io.Reader) io.Reader {
	if r == nil {
		return def
	}
	return r
}

func cmpWriter(w, def io.Writer) io.Writer {
	if w == nil {
		return def
	}
	return w
}
