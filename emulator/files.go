package emulator

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/azrepl/azrepl/emulator/world"
	"github.com/azrepl/azrepl/internal/atomicfile"
	"github.com/azrepl/azrepl/internal/dirsafe"
)

// systemBundles are where Debian, Fedora and others keep the system CAs.
var systemBundles = []string{
	"/etc/ssl/certs/ca-certificates.crt",
	"/etc/pki/tls/certs/ca-bundle.crt",
	"/etc/ssl/cert.pem",
}

// writeFiles writes ca.pem, ca-bundle.pem (system CAs + emulator CA, for
// REQUESTS_CA_BUNDLE which replaces the system store), tenant.json and env.
func (em *Emulator) writeFiles() error {
	dir := em.cfg.Dir
	caPath := filepath.Join(dir, "ca.pem")
	if err := atomicfile.Replace(caPath, em.CAPEM(), 0o644); err != nil {
		return err
	}
	var bundle []byte
	for _, p := range systemBundles {
		if b, err := os.ReadFile(p); err == nil {
			bundle = append(b, '\n')
			break
		}
	}
	bundlePath := filepath.Join(dir, "ca-bundle.pem")
	if err := atomicfile.Replace(bundlePath, append(bundle, em.CAPEM()...), 0o644); err != nil {
		return err
	}
	tenant, err := json.MarshalIndent(em.world, "", "  ")
	if err != nil {
		return err
	}
	if err := writePrivate(filepath.Join(dir, "tenant.json"), append(tenant, '\n')); err != nil {
		return err
	}
	if err := writePrivate(filepath.Join(dir, "env"), []byte(em.Exports(caPath, bundlePath))); err != nil {
		return err
	}
	if err := writePrivate(filepath.Join(dir, "control-key"), []byte(em.controlKey+"\n")); err != nil {
		return err
	}
	bg, stop := context.WithCancel(context.Background())
	em.stop = stop
	tokenFile := assertionPath(dir)
	if err := em.writeAssertionFile(bg, tokenFile, world.WorkloadAudience); err != nil {
		return err
	}
	if h := em.world.Databricks.Host; h != "" {
		if err := em.writeAssertionFile(bg, DatabricksOIDCTokenPath(dir), "https://"+h+"/oidc/v1/token"); err != nil {
			return err
		}
	}
	if err := writePrivate(filepath.Join(dir, "workload.env"), []byte(workloadEnv(em.world, tokenFile))); err != nil {
		return err
	}
	if err := em.writeAppEnvFiles(); err != nil {
		return err
	}
	if err := writePrivate(filepath.Join(dir, "msi.env"), []byte(em.msiEnv())); err != nil {
		return err
	}
	var creds strings.Builder
	creds.WriteString("# The story app's and the Databricks service principal's credentials, for clients\n" +
		"# that read them from the environment (azrepl, Azure SDKs, the Databricks CLI).\n")
	for _, kv := range em.world.CredentialsEnv() {
		k, v, _ := strings.Cut(kv, "=")
		fmt.Fprintf(&creds, "export %s=%s\n", k, shellQuote(v))
	}
	return writePrivate(filepath.Join(dir, "credentials.env"), []byte(creds.String()))
}

// msiEnv is DIR/msi.env: the variables of each managed identity style the
// emulator serves, as the real hosts set them. App Service's are exported
// (every Azure SDK reads them); the other styles' are there to swap in.
// They name the emulator's loopback listener, never 169.254.169.254.
func (em *Emulator) msiEnv() string {
	var b strings.Builder
	b.WriteString("# Managed identity endpoints of the emulator, one style at a time (source this file).\n")
	for _, st := range []struct{ style, what string }{
		{"appservice", "App Service / Functions (IDENTITY_ENDPOINT + IDENTITY_HEADER)"},
		{"cloudshell", "Cloud Shell (MSI_ENDPOINT)"},
		{"arc", "Azure Arc (IDENTITY_ENDPOINT + IMDS_ENDPOINT)"},
		{"imds", "IMDS through AZURE_POD_IDENTITY_AUTHORITY_HOST (a VM or AKS pod)"},
	} {
		fmt.Fprintf(&b, "\n# %s\n", st.what)
		prefix := "export "
		if st.style != "appservice" {
			prefix = "# export "
		}
		for _, kv := range em.ManagedIdentityEnv(st.style) {
			k, v, _ := strings.Cut(kv, "=")
			fmt.Fprintf(&b, "%s%s=%s\n", prefix, k, shellQuote(v))
		}
	}
	return b.String()
}

// writeAppEnvFiles writes, for reader-app (the app that may read Graph), the
// environment azidentity's EnvironmentCredential reads: reader-app.env (its
// secret) and reader-app-certificate.env (its certificate and key in one PEM,
// reader-app-with-key.pem, as azidentity wants them).
func (em *Emulator) writeAppEnvFiles() error {
	dir := em.cfg.Dir
	for _, a := range em.world.Apps {
		if a.Name != "reader-app" || a.CertificatePath == "" || a.KeyPath == "" {
			continue
		}
		cert, err := os.ReadFile(a.CertificatePath)
		if err != nil {
			return err
		}
		key, err := os.ReadFile(a.KeyPath)
		if err != nil {
			return err
		}
		both := filepath.Join(dir, a.Name+"-with-key.pem")
		if err := writePrivate(both, append(cert, key...)); err != nil {
			return err
		}
		head := fmt.Sprintf("export AZURE_TENANT_ID=%s\nexport AZURE_CLIENT_ID=%s\n", em.world.TenantID, a.ClientID)
		if err := writePrivate(filepath.Join(dir, a.Name+".env"), []byte(head+"export AZURE_CLIENT_SECRET="+shellQuote(a.ClientSecret)+"\n")); err != nil {
			return err
		}
		if err := writePrivate(filepath.Join(dir, a.Name+"-certificate.env"), []byte(head+"export AZURE_CLIENT_CERTIFICATE_PATH="+shellQuote(both)+"\n")); err != nil {
			return err
		}
	}
	return nil
}

// workloadEnv points azidentity's WorkloadIdentityCredential (and azrepl's
// workload-identity flow) at the seeded workload app and its assertion file.
func workloadEnv(w *world.World, tokenFile string) string {
	var sb strings.Builder
	sb.WriteString("# The seeded workload app signs in with the emulator issuer's assertion (refreshed in place).\n")
	fmt.Fprintf(&sb, "export AZURE_TENANT_ID=%s\n", w.TenantID)
	for _, a := range w.Apps {
		if a.Name == "workload-app" {
			fmt.Fprintf(&sb, "export AZURE_CLIENT_ID=%s\n", a.ClientID)
		}
	}
	fmt.Fprintf(&sb, "export AZURE_FEDERATED_TOKEN_FILE=%s\n", shellQuote(tokenFile))
	return sb.String()
}

// openRequestLog starts Dir/requests.log afresh.
func (em *Emulator) openRequestLog() error {
	p := filepath.Join(em.cfg.Dir, "requests.log")
	if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
		return err
	}
	f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_EXCL|dirsafe.NoFollow, 0o600)
	if err != nil {
		return err
	}
	em.logFile = f
	em.log.sinks = append(em.log.sinks, f)
	return nil
}

// writePrivate replaces path (atomicfile.Replace) with a 0600 file: a reader
// never sees half a file and a symlink planted at path is not written through.
func writePrivate(path string, data []byte) error {
	return atomicfile.Replace(path, data, 0o600)
}

// Exports are the shell lines that point clients at the emulator.
func (em *Emulator) Exports(caPath, bundlePath string) string {
	var sb strings.Builder
	if p := em.ProxyURL(); p != nil {
		fmt.Fprintf(&sb, "export HTTPS_PROXY=%s\n", p)
		sb.WriteString("export NO_PROXY=localhost,127.0.0.1\n")
	}
	fmt.Fprintf(&sb, "export SSL_CERT_FILE=%s\n", shellQuote(caPath))
	fmt.Fprintf(&sb, "export REQUESTS_CA_BUNDLE=%s\n", shellQuote(bundlePath))
	fmt.Fprintf(&sb, "export CURL_CA_BUNDLE=%s\n", shellQuote(bundlePath))
	fmt.Fprintf(&sb, "export NODE_EXTRA_CA_CERTS=%s\n", shellQuote(caPath))
	fmt.Fprintf(&sb, "export AZREPL_EMULATOR_URL=%s\n", em.DirectURL())
	return sb.String()
}

func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// writeAssertionFile writes DIR/federated-token for the seeded workload app
// (audience: Entra's token exchange; DIR/databricks-oidc-token: the
// workspace's token endpoint) and rewrites it at half its lifetime (as
// kubelet refreshes a projected token), until ctx ends. The first write
// happens before it returns.
func (em *Emulator) writeAssertionFile(ctx context.Context, path, audience string) error {
	lifetime := em.cfg.AssertionLifetime
	write := func() error {
		tok, err := em.FederatedToken(world.WorkloadSubject, audience, lifetime)
		if err != nil {
			return err
		}
		tmp := path + ".tmp"
		if err := writePrivate(tmp, []byte(tok)); err != nil {
			return err
		}
		return os.Rename(tmp, path)
	}
	if err := write(); err != nil {
		return err
	}
	go func() {
		t := time.NewTicker(lifetime / 2)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				_ = write()
			}
		}
	}()
	return nil
}

// assertionPath is DIR/federated-token, the seeded workload app's assertion.
func assertionPath(dir string) string { return filepath.Join(dir, "federated-token") }

// DatabricksOIDCTokenPath is the OIDC token file for Databricks workload
// identity federation (the Databricks SDK's file-oidc): the seeded workload
// subject, for the workspace's token endpoint, rotated like federated-token.
func DatabricksOIDCTokenPath(dir string) string { return filepath.Join(dir, "databricks-oidc-token") }
