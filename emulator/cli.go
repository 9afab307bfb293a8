package emulator

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Flags are the flags of `azrepl emulate`, bound to cfg; the flag set
// prints nothing itself, so a bad flag is one line from its caller.
func Flags(cfg *Config) *flag.FlagSet {
	fs := flag.NewFlagSet("azrepl emulate", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&cfg.Listen, "listen", "127.0.0.1:0", "direct https listener `ADDR`")
	fs.StringVar(&cfg.Proxy, "proxy", "127.0.0.1:0", "CONNECT proxy `ADDR` (\"\" to disable)")
	fs.StringVar(&cfg.Dir, "dir", "", "write ca.pem, ca-bundle.pem, env, tenant.json, requests.log to `DIR` (default: a temporary folder)")
	fs.DurationVar(&cfg.ApproveAfter, "approve-after", 0, "approve device codes after `DURATION` without a browser (0: a person approves at https://microsoft.com/devicelogin)")
	fs.StringVar(&cfg.ApproveAs, "approve-as", "alice", "`USER` who approves device codes automatically")
	fs.IntVar(&cfg.Groups, "groups", 300, "number of directory groups (`N`)")
	fs.IntVar(&cfg.Users, "users", 0, "number of seeded directory users (`N`) after the named ones, who alone sign in")
	fs.IntVar(&cfg.Jobs, "jobs", 0, "number of Databricks jobs (`N`; 0: the world's, 45 when seeded)")
	fs.IntVar(&cfg.Clusters, "clusters", 0, "number of Databricks clusters (`N`; 0: the world's, 3 when seeded)")
	fs.DurationVar(&cfg.Latency, "latency", 0, "added latency per request (`DURATION`)")
	fs.StringVar(&cfg.Faults, "faults", "", "inject faults: `SPEC` such as rate=0.2,kinds=429+503+reset+truncate+html,host=graph.microsoft.com or every=5,kinds=429")
	fs.DurationVar(&cfg.TokenLifetime, "token-lifetime", 0, "every access token's lifetime (`DURATION`); default: Entra's, user tokens 60–90 minutes at random, app tokens 3599 s. Set it for output that must not vary (goldens)")
	fs.DurationVar(&cfg.AssertionLifetime, "assertion-lifetime", 0, "lifetime of the workload assertion in DIR/federated-token, rewritten at half of it (`DURATION`, default 1h)")
	fs.StringVar(&cfg.DataFile, "data", "", "load the world from a tenant.json `FILE` instead of the seeded one")
	return fs
}

// Main runs `azrepl emulate`: it starts the emulator, prints the shell exports
// and one ready line on stdout, and serves until ctx is cancelled.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	// SIGINT, SIGTERM and SIGHUP end the server through ctx, so that the
	// deferred cleanup runs: without --dir the temp folder holds passwords,
	// secrets and private keys.
	ctx, stopSignals := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stopSignals()
	var cfg Config
	fs := Flags(&cfg)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stdout, "usage: azrepl emulate [flags]\n\nRuns the offline Entra ID / Graph / ARM / Databricks emulator until stopped.")
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return 0
		}
		fmt.Fprintf(stderr, "azrepl emulate: %v (azrepl emulate --help)\n", err)
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "azrepl emulate: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	for _, c := range []struct {
		name string
		n    int
	}{{"--groups", cfg.Groups}, {"--users", cfg.Users}, {"--jobs", cfg.Jobs}, {"--clusters", cfg.Clusters}} {
		if c.n < 0 || c.n > MaxGroups {
			fmt.Fprintf(stderr, "azrepl emulate: %s must be from 0 to %d\n", c.name, MaxGroups)
			return 2
		}
	}
	for name, d := range map[string]time.Duration{"--approve-after": cfg.ApproveAfter, "--latency": cfg.Latency,
		"--token-lifetime": cfg.TokenLifetime, "--assertion-lifetime": cfg.AssertionLifetime} {
		if d < 0 {
			fmt.Fprintf(stderr, "azrepl emulate: %s must not be negative (%s)\n", name, d)
			return 2
		}
	}
	if cfg.Dir != "" {
		abs, err := filepath.Abs(cfg.Dir)
		if err != nil {
			fmt.Fprintf(stderr, "azrepl emulate: %v\n", err)
			return 2
		}
		cfg.Dir = abs
		if err := checkOwnDir(cfg.Dir); err != nil {
			fmt.Fprintf(stderr, "azrepl emulate: %v\n", err)
			return 2
		}
	}
	if cfg.Dir == "" {
		d, err := os.MkdirTemp("", "azrepl-emulate-")
		if err != nil {
			fmt.Fprintf(stderr, "azrepl emulate: %v\n", err)
			return 1
		}
		defer os.RemoveAll(d)
		cfg.Dir = d
	}
	em, err := Start(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "azrepl emulate: %v\n", err)
		return 1
	}
	defer em.Close()
	fmt.Fprint(stdout, em.Exports(filepath.Join(cfg.Dir, "ca.pem"), filepath.Join(cfg.Dir, "ca-bundle.pem")))
	var users []string
	for _, u := range em.World().Users {
		users = append(users, u.Username)
	}
	proxy := "off"
	if p := em.ProxyURL(); p != nil {
		proxy = p.String()
	}
	fmt.Fprintf(stdout, "# azrepl emulator ready: direct %s, proxy %s, tenant %s (%s), users %s, passwords in %s\n",
		em.DirectURL(), proxy, em.World().TenantID, em.World().Domain, strings.Join(users, " "),
		filepath.Join(cfg.Dir, "tenant.json"))
	<-ctx.Done()
	return 0
}
