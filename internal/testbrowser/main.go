// Command testbrowser signs in on the emulator's Entra or Databricks login
// page with a real headless Chromium, for tests that set it as $BROWSER:
//
//	testbrowser --proxy http://127.0.0.1:PORT --ca ca.pem --user alice@… --password … URL
//	testbrowser --env-file DIR/env --user alice URL   (DIR of azrepl emulate --dir DIR)
//	BROWSER="testbrowser --user alice" azrepl --emulator ...   (azrepl passes the
//	emulator's HTTPS_PROXY, SSL_CERT_FILE and AZREPL_EMULATOR_DIR to its browser)
//
// Chromium reaches the emulator's host names through its CONNECT proxy and
// trusts only the emulator's certificates (leaf keys verified against its
// CA, then pinned by SPKI hash); loopback addresses (the
// redirect to azrepl's listener) bypass the proxy. It exits once the browser
// has been redirected to loopback, or with an error after --timeout.
package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	neturl "net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/azrepl/azrepl/internal/testbrowser/redirect"
	"github.com/chromedp/chromedp"
)

func main() {
	proxy := flag.String("proxy", os.Getenv("HTTPS_PROXY"), "the emulator's CONNECT proxy URL")
	ca := flag.String("ca", os.Getenv("SSL_CERT_FILE"), "the emulator's CA certificate (PEM)")
	user := flag.String("user", os.Getenv("TESTBROWSER_USER"), "the username to sign in with")
	password := flag.String("password", os.Getenv("TESTBROWSER_PASSWORD"), "the password")
	chromium := flag.String("chromium", "/usr/bin/chromium", "the Chromium binary")
	timeout := flag.Duration("timeout", 60*time.Second, "give up after this long")
	logFile := flag.String("log", "", "also append errors to this file ($BROWSER's output is often discarded)")
	envFile := flag.String("env-file", "", "an emulator's env file (azrepl emulate --dir DIR writes DIR/env): proxy and CA from it")
	flag.Parse()
	if *envFile != "" {
		vars, err := readExports(*envFile)
		if err != nil {
			fail(*logFile, err)
		}
		*proxy, *ca = vars["HTTPS_PROXY"], vars["SSL_CERT_FILE"]
		if *password == "" {
			// the emulator writes its world (passwords included) beside env
			name, pw, err := passwordOf(filepath.Join(filepath.Dir(*envFile), "tenant.json"), *user)
			if err != nil {
				fail(*logFile, err)
			}
			*user, *password = name, pw
		}
	}
	if dir := os.Getenv("AZREPL_EMULATOR_DIR"); dir != "" && *password == "" && *user != "" {
		name, pw, err := passwordOf(filepath.Join(dir, "tenant.json"), *user)
		if err != nil {
			fail(*logFile, err)
		}
		*user, *password = name, pw
	}
	if flag.NArg() != 1 || *user == "" || *password == "" || *proxy == "" || *ca == "" {
		fmt.Fprintln(os.Stderr, "usage: testbrowser --proxy URL --ca ca.pem --user NAME --password PW URL")
		os.Exit(2)
	}
	if err := signIn(*chromium, *proxy, *ca, *user, *password, flag.Arg(0), *timeout); err != nil {
		fail(*logFile, err)
	}
}

func fail(logFile string, err error) {
	fmt.Fprintln(os.Stderr, "testbrowser:", err)
	if logFile != "" {
		if f, ferr := os.OpenFile(logFile, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600); ferr == nil {
			fmt.Fprintln(f, "testbrowser:", err)
			f.Close()
		}
	}
	os.Exit(1)
}

// passwordOf finds a user (by short name or username) in an emulator's
// tenant.json and returns the full username and the password.
func passwordOf(path, user string) (string, string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", "", err
	}
	var w struct {
		Users []struct{ Name, Username, Password string }
	}
	if err := json.Unmarshal(raw, &w); err != nil {
		return "", "", fmt.Errorf("%s: %w", path, err)
	}
	for _, u := range w.Users {
		if strings.EqualFold(u.Username, user) || strings.EqualFold(u.Name, user) {
			return u.Username, u.Password, nil
		}
	}
	return "", "", fmt.Errorf("%s: no user %s", path, user)
}

// readExports reads the `export NAME=value` lines of an emulator env file.
func readExports(path string) (map[string]string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	vars := map[string]string{}
	for _, line := range strings.Split(string(raw), "\n") {
		k, v, ok := strings.Cut(strings.TrimPrefix(strings.TrimSpace(line), "export "), "=")
		if ok {
			vars[k] = strings.Trim(v, "'\"")
		}
	}
	return vars, nil
}

// leafPins returns the SPKI hashes (base64 SHA-256, the form of
// --ignore-certificate-errors-spki-list) of the certificates the emulator
// serves for hosts. Chromium matches that list against the server's chain,
// and the emulator sends only its leaf (one key per host name), so each
// leaf is fetched here through the proxy and verified against the CA first:
// only certificates the emulator's CA signed are pinned.
func leafPins(proxy, caFile string, hosts []string) (string, error) {
	raw, err := os.ReadFile(caFile)
	if err != nil {
		return "", err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(raw) {
		return "", errors.New(caFile + ": no PEM certificate")
	}
	pu, err := neturl.Parse(proxy)
	if err != nil {
		return "", fmt.Errorf("proxy %q: %w", proxy, err)
	}
	var pins []string
	for _, h := range hosts {
		conn, err := net.DialTimeout("tcp", pu.Host, 10*time.Second)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(conn, "CONNECT %s:443 HTTP/1.1\r\nHost: %s:443\r\n\r\n", h, h)
		br := bufio.NewReader(conn)
		resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodConnect})
		if err != nil || resp.StatusCode != http.StatusOK {
			conn.Close()
			return "", fmt.Errorf("CONNECT %s through %s: %v %v", h, proxy, err, resp)
		}
		tc := tls.Client(conn, &tls.Config{ServerName: h, RootCAs: pool, MinVersion: tls.VersionTLS12})
		if err := tc.Handshake(); err != nil {
			conn.Close()
			return "", fmt.Errorf("TLS to %s: %w", h, err)
		}
		leaf := tc.ConnectionState().PeerCertificates[0]
		sum := sha256.Sum256(leaf.RawSubjectPublicKeyInfo)
		pins = append(pins, base64.StdEncoding.EncodeToString(sum[:]))
		tc.Close()
	}
	return strings.Join(pins, ","), nil
}

func signIn(chromium, proxy, caFile, user, password, url string, timeout time.Duration) error {
	u, err := neturl.Parse(url)
	if err != nil {
		return err
	}
	hosts := []string{u.Hostname()}
	for _, h := range []string{"login.microsoftonline.com", "microsoft.com"} {
		if h != u.Hostname() {
			hosts = append(hosts, h)
		}
	}
	spki, err := leafPins(proxy, caFile, hosts)
	if err != nil {
		return err
	}
	dataDir, err := os.MkdirTemp("", "testbrowser-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dataDir)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(dataDir),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.ProxyServer(proxy),
		chromedp.Flag("ignore-certificate-errors-spki-list", spki),
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()

	if err := chromedp.Do(bctx, chromedp.Navigate(url)); err != nil {
		return fmt.Errorf("opening the sign-in page: %w", err)
	}
	// Entra's page names its fields like login.microsoftonline.com does;
	// the Databricks workspace page has username/password/signin.
	entra, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`!!document.getElementById("i0116")`))
	if err != nil {
		return err
	}
	userField, passField, button := "username", "password", "signin"
	if entra {
		userField, passField, button = "i0116", "i0118", "idSIButton9"
	}
	if err := chromedp.Do(bctx,
		chromedp.WaitVisible(chromedp.ID(userField)),
		chromedp.SetValue(chromedp.ID(userField), user),
		chromedp.SetValue(chromedp.ID(passField), password),
		chromedp.Click(chromedp.ID(button)),
	); err != nil {
		return fmt.Errorf("signing in: %w", err)
	}
	return redirect.AwaitLoopback(bctx)
}
