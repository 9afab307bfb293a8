package app

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/azrepl/azrepl/emulator"
)

// defaultApproveAfter gives a person time to read the device code before
// the emulator approves it.
const defaultApproveAfter = 2 * time.Second

// startEmulator runs the emulator in-process on loopback, adds its
// defaults to the script environment and says so in one line on stderr.
func (s *Services) startEmulator(ctx context.Context, o Options) error {
	after := o.ApproveAfter
	if after <= 0 {
		after = defaultApproveAfter
	}
	// The emulator's files (ca.pem, env, tenant.json) always exist, in the
	// per-run home unless the caller chose a folder: a browser started for
	// a sign-in needs the CA and the proxy to reach the emulator's pages.
	dir := o.EmulatorDir
	if dir == "" {
		dir = filepath.Join(s.Home, "emulator")
	}
	s.emulatorDir = dir
	s.approveAfter = after
	em, err := emulator.Start(ctx, emulator.Config{
		Listen: "127.0.0.1:0", Proxy: "127.0.0.1:0", Dir: dir,
		ApproveAfter: after, ApproveAs: o.ApproveAs, TokenLifetime: o.TokenLifetime,
	})
	if err != nil {
		return fmt.Errorf("starting the emulator: %w", err)
	}
	s.Emulator = em
	s.closers = append(s.closers, func() { _ = em.Close() })
	defaults := append(em.World().CredentialsEnv(), "AZREPL_EMULATOR=1")
	// Managed identity as App Service provides it: login({flow:
	// "managed-identity"}) works with no arguments.
	defaults = append(defaults, em.ManagedIdentityEnv("appservice")...)
	// Workload identity: the emulator's issuer rewrites this assertion in
	// place, as kubelet does; the story app trusts that issuer.
	defaults = append(defaults, "AZURE_FEDERATED_TOKEN_FILE="+filepath.Join(dir, "federated-token"))
	// Databricks workload identity federation (file-oidc): the same subject,
	// for the workspace's token endpoint; the service principal trusts it.
	defaults = append(defaults, "DATABRICKS_OIDC_TOKEN_FILEPATH="+emulator.DatabricksOIDCTokenPath(dir))
	// On-behalf-of: the seeded web API app (scripts/on-behalf-of.js).
	// Databricks' azure-client-secret: the story app, which manages the
	// workspace resource (scripts/databricks-azure-sp.js).
	for _, a := range em.World().Apps {
		switch a.Name {
		case "api-app":
			defaults = append(defaults, "AZREPL_EMULATOR_API_CLIENT_ID="+a.ClientID, "AZREPL_EMULATOR_API_CLIENT_SECRET="+a.ClientSecret)
		case "story-app":
			defaults = append(defaults, "ARM_CLIENT_ID="+a.ClientID, "ARM_CLIENT_SECRET="+a.ClientSecret, "ARM_TENANT_ID="+em.World().TenantID)
		}
	}
	// Databricks at account level (accounts.azuredatabricks.net).
	if id := em.World().Databricks.AccountID; id != "" {
		defaults = append(defaults, "DATABRICKS_ACCOUNT_ID="+id)
	}
	// The password flow signs in as the approving user (the world's
	// passwords are test data, masked in every trace like its secrets).
	for _, u := range em.World().Users {
		if u.Username == approver(em.World(), o.ApproveAs) {
			defaults = append(defaults, "AZURE_USERNAME="+u.Username, "AZURE_PASSWORD="+u.Password)
		}
	}
	// login({flow: "azcli"}): an Azure CLI folder as az login leaves it,
	// unless the environment names one.
	if !hasVar(s.Environ, "AZURE_CONFIG_DIR") {
		azDir := filepath.Join(dir, "azure")
		if err := writeAzureCLILogin(ctx, em, s.approvingUserOf(em, o.ApproveAs), azDir); err != nil {
			fmt.Fprintf(o.Stderr, "azrepl: the emulator's Azure CLI sign-in could not be written: %v\n", err)
		} else {
			defaults = append(defaults, "AZURE_CONFIG_DIR="+azDir)
		}
	}
	s.Environ = withDefaults(s.Environ, defaults)
	fmt.Fprintf(o.Stderr, "azrepl: the offline emulator is running (%s); device codes are approved automatically as %s; its world (users, apps, secrets) is in %s\n",
		em.World().DisplayName, approver(em.World(), o.ApproveAs), filepath.Join(dir, "tenant.json"))
	return nil
}

// emulatorProxy sends the cloud hosts through the emulator's CONNECT proxy
// and loopback addresses (the plain-HTTP managed identity endpoints)
// directly, as NO_PROXY=127.0.0.1 would.
func emulatorProxy(p *url.URL) func(*http.Request) (*url.URL, error) {
	return func(r *http.Request) (*url.URL, error) {
		if ip := net.ParseIP(r.URL.Hostname()); (ip != nil && ip.IsLoopback()) || r.URL.Hostname() == "localhost" {
			return nil, nil
		}
		return p, nil
	}
}

// browserEnv is what a browser started for a sign-in gets on top of the
// process environment: with the emulator, its proxy, its CA and its folder
// (so a test browser can read the world's passwords); nil otherwise.
func (s *Services) browserEnv() []string {
	if s.Emulator == nil {
		return nil
	}
	proxy := s.Emulator.ProxyURL().String()
	return []string{
		"HTTPS_PROXY=" + proxy, "https_proxy=" + proxy,
		"SSL_CERT_FILE=" + filepath.Join(s.emulatorDir, "ca.pem"),
		"AZREPL_EMULATOR_DIR=" + s.emulatorDir,
	}
}

// hasVar reports whether environ sets key (to anything, "" included).
func hasVar(environ []string, key string) bool {
	for _, kv := range environ {
		if k, _, ok := strings.Cut(kv, "="); ok && k == key {
			return true
		}
	}
	return false
}

// withDefaults appends each KEY=value of defaults whose KEY is not set in
// environ (a variable set to "" counts as set: the user chose it).
func withDefaults(environ, defaults []string) []string {
	have := map[string]bool{}
	for _, kv := range environ {
		if k, _, ok := strings.Cut(kv, "="); ok {
			have[k] = true
		}
	}
	out := append([]string(nil), environ...)
	for _, kv := range defaults {
		if k, _, _ := strings.Cut(kv, "="); !have[k] {
			out = append(out, kv)
		}
	}
	return out
}

// worldSecrets are every secret of the emulator's world, to be masked in
// traces: user passwords, app secrets, the service principal's secret.
func worldSecrets(w *emulator.World) []string {
	var out []string
	for _, u := range w.Users {
		out = append(out, u.Password)
	}
	for _, a := range w.Apps {
		out = append(out, a.ClientSecret)
	}
	out = append(out, w.Databricks.ServicePrincipal.ClientSecret)
	kept := out[:0]
	for _, s := range out {
		if s != "" {
			kept = append(kept, s)
		}
	}
	return kept
}

// approver is the username the emulator approves device codes as.
// approvingUser is the world's user who approves device codes and signs in
// on the emulator's pages.
func (s *Services) approvingUser(as string) emulator.User { return s.approvingUserOf(s.Emulator, as) }

func (s *Services) approvingUserOf(em *emulator.Emulator, as string) emulator.User {
	name := approver(em.World(), as)
	for _, u := range em.World().Users {
		if u.Username == name {
			return u
		}
	}
	return emulator.User{Username: name}
}

func approver(w *emulator.World, as string) string {
	if as == "" {
		as = "alice"
	}
	for _, u := range w.Users {
		if strings.EqualFold(u.Name, as) || strings.EqualFold(u.Username, as) {
			return u.Username
		}
	}
	return as
}
