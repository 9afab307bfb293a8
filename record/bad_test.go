package record

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	neturl "net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/azrepl/azrepl/httpx"
	"github.com/azrepl/azrepl/internal/testenv"
)

// TestMain lets the test binary be the recorded program (childMain).
func TestMain(m *testing.M) {
	if mode := os.Getenv("RECORD_TEST_CHILD"); mode != "" {
		os.Exit(childMain(mode, os.Getenv("RECORD_TEST_URL")))
	}
	os.Exit(m.Run())
}

// childMain is a program run behind the recorder: "parallel" makes 500
// requests at once, each on its own connection; "direct" ignores the proxy;
// "download" reads one answer to its end.
func childMain(mode, url string) int {
	switch mode {
	case "parallel":
		var answers, ok atomic.Int32
		var wg sync.WaitGroup
		for range 500 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tr := http.DefaultTransport.(*http.Transport).Clone()
				tr.DisableKeepAlives = true
				tr.TLSHandshakeTimeout = 2 * time.Minute // 500 handshakes at once on a shared machine, under -race
				defer tr.CloseIdleConnections()
				resp, err := (&http.Client{Transport: tr, Timeout: 3 * time.Minute}).Get(url)
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
				answers.Add(1)
				if resp.StatusCode == 200 {
					ok.Add(1)
				}
			}()
		}
		wg.Wait()
		fmt.Println(answers.Load(), ok.Load())
	case "direct":
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.Proxy = nil
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} // the test server's own certificate; this program only shows that nothing is recorded
		resp, err := (&http.Client{Transport: tr}).Get(url)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		_ = resp.Body.Close()
		fmt.Println(resp.StatusCode)
	case "upload":
		const size = 300 << 20
		req, err := http.NewRequest("POST", url, io.LimitReader(zeros{}, size))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		req.ContentLength = size
		req.Header.Set("Content-Type", "application/octet-stream")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		b, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		fmt.Println(strings.TrimSpace(string(b)))
	case "download":
		resp, err := http.Get(url)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		n, err := io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Println(n)
	}
	return 0
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// localService is an HTTPS server with its own CA standing for the host
// svc.test, and an onward client that reaches it through a CONNECT proxy
// sending every tunnel to it (programs do not proxy 127.0.0.1, and svc.test
// resolves nowhere). The recorder watches svc.test with --intercept.
func localService(t *testing.T, h http.Handler) (url string, onward *httpx.Client, caFile string) {
	t.Helper()
	srv, ca := tlsServer(t, "svc.test", h)
	target := srv.Listener.Addr().String()
	mapper := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		up, err := net.Dial("tcp", target)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			_ = up.Close()
			return
		}
		_, _ = io.WriteString(conn, "HTTP/1.1 200 OK\r\n\r\n")
		go func() { _, _ = io.Copy(up, conn); _ = up.Close() }()
		_, _ = io.Copy(conn, up)
		_ = conn.Close()
	}))
	t.Cleanup(mapper.Close)
	mapperURL, _ := neturl.Parse(mapper.URL)
	pool := x509.NewCertPool()
	pool.AddCert(ca.Certificate())
	caFile = t.TempDir() + "/ca.pem"
	if err := os.WriteFile(caFile, ca.PEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	return "https://svc.test", httpx.New(httpx.Options{RootCAs: pool, Proxy: http.ProxyURL(mapperURL), TraceSize: 10000}), caFile
}

func self(t *testing.T) string {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return exe
}

// 500 connections at once: each is answered and each exchange recorded.
// On a loaded machine under -race some onward TLS handshakes (500 at once,
// through a second proxy) can outlast their deadline: such an exchange must
// be answered 502 and recorded with its onward error, never lost.
func TestFiveHundredParallelConnections(t *testing.T) {
	url, onward, _ := localService(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") }))
	res, out, errs := runRecorded(t, Config{Command: []string{self(t)}, Onward: onward, Intercept: []string{"svc.test"},
		Environ: []string{"RECORD_TEST_CHILD=parallel", "RECORD_TEST_URL=" + url + "/x"}})
	var answers, ok int
	if _, err := fmt.Sscan(out, &answers, &ok); err != nil || res.Exit != 0 || answers != 500 {
		t.Fatalf("exit %d, answers and 200s %q of 500, stderr %.500s", res.Exit, out, errs)
	}
	if len(res.Exchanges) != 500 {
		t.Fatalf("%d exchanges recorded, want 500", len(res.Exchanges))
	}
	failed := 0
	for _, e := range res.Exchanges {
		if e.Status != 200 {
			failed++
			if e.Err == "" {
				t.Errorf("exchange %d: status %d with no onward error", e.Index, e.Status)
			}
		}
	}
	if ok+failed != 500 {
		t.Errorf("%d answered 200, %d recorded as failed onward: %d lost", ok, failed, 500-ok-failed)
	}
	if failed > 0 {
		t.Logf("%d of 500 onward connections failed on this machine (recorded with their errors)", failed)
	}
}

// A 300 MB answer and a 300 MB upload stream through: the recording keeps
// their start and size, and the heap stays far below their size.
func TestLargeBodyIsBounded(t *testing.T) {
	const size = 300 << 20
	chunk := strings.Repeat("x", 1<<20)
	serve := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" {
			n, _ := io.Copy(io.Discard, r.Body)
			fmt.Fprintln(w, n)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(size))
		for range size / len(chunk) {
			if _, err := io.WriteString(w, chunk); err != nil {
				return
			}
		}
	})
	for _, mode := range []string{"download", "upload"} {
		t.Run(mode, func(t *testing.T) {
			url, onward, _ := localService(t, serve)
			runtime.GC()
			var peak atomic.Uint64
			stop := make(chan struct{})
			done := make(chan struct{})
			go func() {
				defer close(done)
				var ms runtime.MemStats
				for {
					runtime.ReadMemStats(&ms)
					if ms.HeapInuse > peak.Load() {
						peak.Store(ms.HeapInuse)
					}
					select {
					case <-stop:
						return
					case <-time.After(20 * time.Millisecond):
					}
				}
			}()
			res, out, errs := runRecorded(t, Config{Command: []string{self(t)}, Onward: onward, Intercept: []string{"svc.test"},
				Environ: []string{"RECORD_TEST_CHILD=" + mode, "RECORD_TEST_URL=" + url + "/big"}})
			close(stop)
			<-done
			if res.Exit != 0 || strings.TrimSpace(out) != strconv.Itoa(size) {
				t.Fatalf("exit %d, got %q bytes, stderr %s", res.Exit, out, errs)
			}
			if len(res.Exchanges) != 1 {
				t.Fatalf("recorded %d exchanges", len(res.Exchanges))
			}
			e := res.Exchanges[0]
			if mode == "download" && (e.RespSize != size || !e.RespBodyCut || len(e.RespBody) > 64<<10) ||
				mode == "upload" && (e.ReqSize != size || !e.ReqBodyCut || len(e.ReqBody) > 64<<10) {
				t.Errorf("recorded sizes %d/%d, cut %v/%v, kept %d/%d bytes", e.ReqSize, e.RespSize, e.ReqBodyCut, e.RespBodyCut, len(e.ReqBody), len(e.RespBody))
			}
			if p := peak.Load(); p > 120<<20 {
				t.Errorf("the heap reached %d MiB while 300 MiB went through", p>>20)
			}
		})
	}
}

func TestProgramIgnoringTheProxy(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	em := startEmulator(t)
	res, out, _ := runRecorded(t, Config{Command: []string{self(t)}, Onward: onwardTo(em), Intercept: []string{"127.0.0.1"},
		Environ: []string{"RECORD_TEST_CHILD=direct", "RECORD_TEST_URL=" + srv.URL}})
	if res.Exit != 0 || strings.TrimSpace(out) != "200" {
		t.Fatalf("exit %d, out %q", res.Exit, out)
	}
	var sum strings.Builder
	WriteSummary(&sum, []string{"prog"}, res)
	if len(res.Exchanges) != 0 || !strings.Contains(sum.String(), "nothing was recorded: it made no HTTPS request through the proxy: it may ignore HTTPS_PROXY") {
		t.Errorf("summary:\n%s", sum.String())
	}
}

func TestProgramRefusingTheCertificate(t *testing.T) {
	curl := testenv.LookPath(t, "curl")
	url, onward, caFile := localService(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		// Its own trust store: the handshake fails.
		{"own CA", []string{"--cacert", caFile}, "TLS failure: prog refused the recorder's certificate for svc.test"},
		// A pinned key: the handshake completes, then curl hangs up.
		{"pinned", []string{"--pinnedpubkey", "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}, "closed 1 connection(s) to svc.test right after the handshake"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, _, _ := runRecorded(t, Config{Command: append(append([]string{curl, "-sS"}, tc.args...), url), Onward: onward, Intercept: []string{"svc.test"}})
			if res.Exit == 0 {
				t.Fatal("curl succeeded")
			}
			var sum strings.Builder
			WriteSummary(&sum, []string{"prog"}, res)
			if !strings.Contains(sum.String(), tc.want) || !strings.Contains(sum.String(), "nothing was recorded: it refused the recorder's certificate") {
				t.Errorf("summary:\n%s", sum.String())
			}
		})
	}
}

// The CA key is never written: the per-run folder holds certificates only,
// and is private.
func TestPerRunFolderHoldsNoKey(t *testing.T) {
	em := startEmulator(t)
	res, out, errs := runRecorded(t, Config{Command: []string{"sh", "-c", `d=$(dirname "$SSL_CERT_FILE"); stat -c %a "$d"; cat "$d"/* | grep -c "PRIVATE KEY" || true; ls "$d"`},
		Onward: onwardTo(em)})
	if res.Exit != 0 {
		t.Fatalf("exit %d: %s", res.Exit, errs)
	}
	lines := strings.Fields(out)
	if len(lines) < 2 || lines[0] != "700" || lines[1] != "0" {
		t.Errorf("folder mode, key count, files: %q", out)
	}
}
