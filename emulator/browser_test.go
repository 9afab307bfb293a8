package emulator

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/azrepl/azrepl/emulator/internal/fixture"
	"github.com/azrepl/azrepl/internal/testbrowser/redirect"
	"github.com/azrepl/azrepl/internal/testenv"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// requireBinary skips the test when a real client is not installed here
// (fails it under CI).
func requireBinary(t *testing.T, name string) string {
	t.Helper()
	return testenv.LookPath(t, name)
}

// newBrowser starts a headless Chromium whose https requests are answered by
// the emulator through em.HTTPClient (Fetch interception): TLS is verified on
// the Go side with the emulator CA, and the browser needs no certificate
// exceptions. Other requests (the http://localhost redirect) go out directly.
// Its proxy is the emulator's, which never dials out.
func newBrowser(t *testing.T, ctx context.Context, em *Emulator) context.Context {
	t.Helper()
	path := requireBinary(t, "chromium")
	opts := slices.Clone(chromedp.DefaultExecAllocatorOptions[:])
	opts = append(opts, chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.ProxyServer(em.ProxyURL().String()))
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	paused := chromedp.Events(bctx, fetch.RequestPaused)
	client := noRedirect(em)
	go func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			go fulfil(bctx, client, ev)
		}
	}()
	if _, err := chromedp.Call(bctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{
		{URLPattern: "https://*", RequestStage: fetch.RequestStageRequest}}}); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	return bctx
}

// emulatorInChromium starts an emulator and a browser on it (newBrowser),
// given timeout to finish; it returns the emulator, the context bounding the
// test and the browser's context.
func emulatorInChromium(t *testing.T, timeout time.Duration) (*Emulator, context.Context, context.Context) {
	t.Helper()
	requireBinary(t, "chromium") // skip before an emulator is started
	em := startEmulator(t, Config{})
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	return em, ctx, newBrowser(t, ctx, em)
}

func fulfil(ctx context.Context, client *http.Client, ev fetch.EventRequestPaused) {
	fail := func() {
		_, _ = chromedp.Call(ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonConnectionFailed})
	}
	var body bytes.Buffer
	for _, e := range ev.Request.PostDataEntries {
		body.Write(e.Bytes)
	}
	req, err := http.NewRequestWithContext(ctx, ev.Request.Method, ev.Request.URL, &body)
	if err != nil {
		fail()
		return
	}
	for k, v := range ev.Request.Headers {
		req.Header.Set(k, fmt.Sprint(v))
	}
	resp, err := client.Do(req)
	if err != nil {
		fail()
		return
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		fail()
		return
	}
	var headers []*fetch.HeaderEntry
	for k, vs := range resp.Header {
		for _, v := range vs {
			headers = append(headers, &fetch.HeaderEntry{Name: k, Value: v})
		}
	}
	_, _ = chromedp.Call(ctx, fetch.FulfillRequest, fetch.FulfillRequestParams{RequestID: ev.RequestID,
		ResponseCode: int64(resp.StatusCode), ResponseHeaders: headers, Body: data})
}

// signInWithBrowser opens url and signs in on the emulator's page, then waits
// until the browser has left the emulator (redirected to the app's loopback).
func signInWithBrowser(bctx context.Context, url, login, password string) error {
	if err := chromedp.Do(bctx,
		chromedp.Navigate(url),
		chromedp.WaitVisible(chromedp.ID("i0116")),
		chromedp.SetValue(chromedp.ID("i0116"), login),
		chromedp.SetValue(chromedp.ID("i0118"), password),
		chromedp.Click(chromedp.ID("idSIButton9")),
	); err != nil {
		return err
	}
	return redirect.AwaitLoopback(bctx)
}

func TestDeviceLoginPageInChromium(t *testing.T) {
	em, _, bctx := emulatorInChromium(t, 60*time.Second)
	c := em.HTTPClient()
	_, dc := fixture.PostForm(t, c, fixture.LoginURL("organizations", "devicecode"), map[string][]string{"client_id": {fixture.AzureCLI},
		"scope": {"https://management.core.windows.net//.default offline_access openid profile"}})
	alice := em.World().User("alice")
	if err := chromedp.Do(bctx,
		chromedp.Navigate("https://microsoft.com/devicelogin"),
		chromedp.SetValue(chromedp.ID("otc"), dc["user_code"].(string)),
		chromedp.Click(chromedp.ID("idSIButton9")),
		chromedp.WaitVisible(chromedp.ID("i0116")),
		chromedp.SetValue(chromedp.ID("i0116"), alice.Username),
		chromedp.SetValue(chromedp.ID("i0118"), alice.Password),
		chromedp.Click(chromedp.ID("idSIButton9")),
		chromedp.WaitVisible(chromedp.ID("message")),
	); err != nil {
		t.Fatalf("device login in chromium: %v", err)
	}
	st, tok := fixture.PostForm(t, c, fixture.LoginURL("organizations", "token"), map[string][]string{"grant_type": {"device_code"},
		"client_id": {fixture.AzureCLI}, "device_code": {dc["device_code"].(string)}})
	if st != 200 || claimsOf(t, em, tok["access_token"].(string))["upn"] != alice.Username {
		t.Fatalf("token after browser approval: %d %v", st, tok)
	}
}
