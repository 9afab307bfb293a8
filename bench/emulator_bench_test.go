// Package bench holds Go benchmarks of azrepl's hot paths measured against
// the real emulator (bench/run prints the command-line figures).
package bench

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/azrepl/azrepl/auth"
	"github.com/azrepl/azrepl/emulator"
	"github.com/azrepl/azrepl/emulator/emulatortest"
	"github.com/azrepl/azrepl/httpx"
)

// emulatorClient starts an emulator and returns an httpx client that goes
// through its CONNECT proxy (as azrepl does with HTTPS_PROXY) with a Graph
// app token from reader-app's secret.
func emulatorClient(tb testing.TB, cfg emulator.Config) (*emulator.Emulator, *httpx.Client) {
	tb.Helper()
	em := emulatortest.Start(tb, cfg)
	c := httpx.New(httpx.Options{RootCAs: em.CertPool(), Proxy: http.ProxyURL(em.ProxyURL())})
	s, err := auth.NewSession(auth.Config{HTTP: c.HTTPClient(), Home: tb.TempDir(), Getenv: func(string) string { return "" }})
	if err != nil {
		tb.Fatal(err)
	}
	app := emulatortest.App(tb, em, "reader-app")
	ctx := context.Background()
	if _, err := s.Login(ctx, auth.LoginOptions{Flow: "secret", Tenant: em.World().TenantID, ClientID: app.ClientID,
		ClientSecret: app.ClientSecret, Scope: "https://graph.microsoft.com/.default"}); err != nil {
		tb.Fatal(err)
	}
	c.SetTokenSource(func(ctx context.Context, scope string) (string, error) {
		t, err := s.Token(ctx, scope, auth.TokenOptions{})
		if err != nil {
			return "", err
		}
		return t.AccessToken, nil
	})
	return em, c
}

// BenchmarkGraphAll20k walks 20,000 groups in pages of 999 at 50 ms
// latency, as graph.all does (items handed over as gjson results). The
// metric over-latency-ms/page is the time per page beyond the latency:
// what bench/run's graph.all figure is made of besides the JS conversion.
func BenchmarkGraphAll20k(b *testing.B) {
	const latency = 50 * time.Millisecond
	_, c := emulatorClient(b, emulator.Config{Proxy: "127.0.0.1:0", Groups: 20000, Latency: latency})
	ctx := context.Background()
	first := &httpx.Request{URL: "https://graph.microsoft.com/v1.0/groups?$top=999"}
	if _, err := c.Do(ctx, &httpx.Request{URL: "https://graph.microsoft.com/v1.0/groups?$top=1"}); err != nil {
		b.Fatal(err)
	}
	var total time.Duration
	pages := 0
	for b.Loop() {
		t0 := time.Now()
		p, err := c.Pages(ctx, first, httpx.PageOptions{}, func(httpx.Page) error { return nil })
		total += time.Since(t0)
		if err != nil || p.Items != 20000 {
			b.Fatal(p, err)
		}
		pages = p.Pages
	}
	per := total / time.Duration(b.N)
	b.ReportMetric(float64(per-time.Duration(pages)*latency)/float64(time.Millisecond)/float64(pages), "over-latency-ms/page")
	b.ReportMetric(float64(per)/float64(time.Duration(pages)*latency), "x-pages-times-latency")
}
