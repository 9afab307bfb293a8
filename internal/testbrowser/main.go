// Command testbrowser signs in on the emulator's Entra or Databricks login
// page with a real headless Chromium, for tests that set it as $BROWSER:
//
//	testbrowser --proxy http://127.0.0.1:PORT --ca ca.pem --user alice@… --password … URL
//
// Chromium reaches the emulator's host names through its CONNECT proxy and
// trusts only the emulator CA's key (by SPKI hash); loopback addresses (the
// redirect to azrepl's listener) bypass the proxy. It exits once the browser
// has been redirected to loopback, or with an error after --timeout.
package main

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

func main() {
	proxy := flag.String("proxy", os.Getenv("HTTPS_PROXY"), "the emulator's CONNECT proxy URL")
	ca := flag.String("ca", os.Getenv("SSL_CERT_FILE"), "the emulator's CA certificate (PEM)")
	user := flag.String("user", os.Getenv("TESTBROWSER_USER"), "the username to sign in with")
	password := flag.String("password", os.Getenv("TESTBROWSER_PASSWORD"), "the password")
	chromium := flag.String("chromium", "/usr/bin/chromium", "the Chromium binary")
	timeout := flag.Duration("timeout", 60*time.Second, "give up after this long")
	flag.Parse()
	if flag.NArg() != 1 || *user == "" || *password == "" || *proxy == "" || *ca == "" {
		fmt.Fprintln(os.Stderr, "usage: testbrowser --proxy URL --ca ca.pem --user NAME --password PW URL")
		os.Exit(2)
	}
	if err := signIn(*chromium, *proxy, *ca, *user, *password, flag.Arg(0), *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "testbrowser:", err)
		os.Exit(1)
	}
}

// spkiHash is the base64 SHA-256 of the CA's public key, the form
// --ignore-certificate-errors-spki-list takes.
func spkiHash(caFile string) (string, error) {
	raw, err := os.ReadFile(caFile)
	if err != nil {
		return "", err
	}
	block, _ := pem.Decode(raw)
	if block == nil {
		return "", errors.New(caFile + ": no PEM certificate")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
	return base64.StdEncoding.EncodeToString(sum[:]), nil
}

func signIn(chromium, proxy, caFile, user, password, url string, timeout time.Duration) error {
	spki, err := spkiHash(caFile)
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
	for {
		loc, err := chromedp.Run(bctx, chromedp.Location())
		if err != nil {
			return err
		}
		if strings.HasPrefix(loc, "http://localhost") || strings.HasPrefix(loc, "http://127.0.0.1") {
			return nil
		}
		select {
		case <-bctx.Done():
			return fmt.Errorf("the browser stayed on %s: %w", strings.SplitN(loc, "?", 2)[0], bctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}
