package emulator

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
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
	if err := writeFresh(caPath, em.CAPEM(), 0o644); err != nil {
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
	if err := writeFresh(bundlePath, append(bundle, em.CAPEM()...), 0o644); err != nil {
		return err
	}
	world, err := json.MarshalIndent(em.world, "", "  ")
	if err != nil {
		return err
	}
	if err := writePrivate(filepath.Join(dir, "tenant.json"), append(world, '\n')); err != nil {
		return err
	}
	if err := writePrivate(filepath.Join(dir, "env"), []byte(em.Exports(caPath, bundlePath))); err != nil {
		return err
	}
	bg, stop := context.WithCancel(context.Background())
	em.stop = stop
	tokenFile := assertionPath(dir)
	if err := em.writeAssertionFile(bg, tokenFile, workloadAudience); err != nil {
		return err
	}
	if h := em.world.Databricks.Host; h != "" {
		if err := em.writeAssertionFile(bg, DatabricksOIDCTokenPath(dir), "https://"+h+"/oidc/v1/token"); err != nil {
			return err
		}
	}
	if err := writePrivate(filepath.Join(dir, "workload.env"), []byte(em.world.workloadEnv(tokenFile))); err != nil {
		return err
	}
	if err := em.writeAppEnvFiles(); err != nil {
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

// CredentialsEnv is the environment that points clients at the seeded
// world's credentials: the story app (its secret works, it has no Graph
// permission) as AZURE_*, the Databricks workspace and its service
// principal as DATABRICKS_*. It holds secrets: never print it.
func (w *World) CredentialsEnv() []string {
	env := []string{"AZURE_TENANT_ID=" + w.TenantID}
	for _, a := range w.Apps {
		if a.Name == "story-app" {
			env = append(env, "AZURE_CLIENT_ID="+a.ClientID, "AZURE_CLIENT_SECRET="+a.ClientSecret)
			break
		}
	}
	if w.Databricks.Host != "" {
		env = append(env, "DATABRICKS_HOST=https://"+w.Databricks.Host)
	}
	if sp := w.Databricks.ServicePrincipal; sp.ClientID != "" {
		env = append(env, "DATABRICKS_CLIENT_ID="+sp.ClientID, "DATABRICKS_CLIENT_SECRET="+sp.ClientSecret)
	}
	return env
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
func (w *World) workloadEnv(tokenFile string) string {
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
	f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_EXCL|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return err
	}
	em.logFile = f
	em.log.sinks = append(em.log.sinks, f)
	return nil
}

// writePrivate writes a fresh 0600 file: what was at path (a file, or a
// symlink someone planted to make us write elsewhere) is removed first and
// the new file is created exclusively, never through a link.
func writePrivate(path string, data []byte) error {
	return writeFresh(path, data, 0o600)
}

func writeFresh(path string, data []byte, mode os.FileMode) error {
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, mode)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
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
