package cmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/azrepl/azrepl/app"
	"github.com/azrepl/azrepl/explain"
	"github.com/azrepl/azrepl/httpx"
	"github.com/azrepl/azrepl/internal/version"
	"github.com/azrepl/azrepl/record"
	"github.com/azrepl/azrepl/traceexport"
)

const recordUsage = `azrepl [--emulator] record [--out DIR] [--intercept HOST]... -- CMD [ARGS...]

Runs CMD behind a recording proxy on 127.0.0.1 and explains how it signs in.
Only the Microsoft identity, Graph, ARM and Databricks hosts (and each
--intercept HOST) are decrypted, with a CA made for this run whose key stays
in memory; every other host is a tunnel that is never decrypted. Requests go
on where azrepl's own would: your HTTPS_PROXY if set, the in-process emulator
with --emulator, else directly, with TLS verified.

CMD gets HTTPS_PROXY/HTTP_PROXY (both cases), SSL_CERT_FILE, REQUESTS_CA_BUNDLE,
CURL_CA_BUNDLE, NODE_EXTRA_CA_CERTS and JAVA_TOOL_OPTIONS (a PKCS#12 trust
store and the proxy) pointing at the recorder. Its exit status is azrepl's.

Written to DIR (default ./azrepl-record-YYYYMMDD-HHMMSS), redacted as trace():
  trace.json   the exchanges; trace.load("DIR/trace.json") opens them
  report.html  the sequence diagram and every exchange, tokens decoded
  flow.har     HAR 1.2
  flow.js      an azrepl script making the same requests (azrepl run DIR/flow.js)
A summary, one line per step, goes to stderr.
`

type recordOptions struct {
	out       string
	intercept []string
	argv      []string
}

func parseRecord(args []string) (recordOptions, bool, error) {
	var o recordOptions
	for i := 0; i < len(args); i++ {
		a := args[i]
		value := func() (string, error) {
			if _, v, ok := strings.Cut(a, "="); ok {
				return v, nil
			}
			if i+1 >= len(args) {
				return "", &UsageError{a + " needs a value"}
			}
			i++
			return args[i], nil
		}
		switch {
		case a == "-h" || a == "--help":
			return o, true, nil
		case a == "--":
			o.argv = args[i+1:]
			i = len(args)
		case a == "--out" || strings.HasPrefix(a, "--out="):
			v, err := value()
			if err != nil {
				return o, false, err
			}
			o.out = v
		case a == "--intercept" || strings.HasPrefix(a, "--intercept="):
			v, err := value()
			if err != nil {
				return o, false, err
			}
			if strings.TrimSpace(v) == "" || strings.ContainsAny(v, "/ ") {
				return o, false, &UsageError{fmt.Sprintf("--intercept wants a host name, not %q", v)}
			}
			o.intercept = append(o.intercept, v)
		case strings.HasPrefix(a, "-"):
			return o, false, &UsageError{fmt.Sprintf("record: unknown flag %s", a)}
		default:
			o.argv = args[i:]
			i = len(args)
		}
	}
	if len(o.argv) == 0 || o.argv[0] == "" {
		return o, false, &UsageError{"record needs a command: azrepl record -- CMD [ARGS...]"}
	}
	return o, false, nil
}

// recordMain is `azrepl [--emulator] record ...`.
func recordMain(ctx context.Context, emulated bool, args []string, stdout, stderr io.Writer) int {
	o, help, err := parseRecord(args)
	if help {
		fmt.Fprint(stdout, recordUsage)
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "azrepl: %v (azrepl record --help for usage)\n", err)
		return 2
	}
	started := time.Now()
	if o.out == "" {
		o.out = "azrepl-record-" + started.Format("20060102-150405")
	}
	if err := os.MkdirAll(o.out, 0o700); err != nil {
		fmt.Fprintf(stderr, "azrepl: record: %v\n", err)
		return 1
	}
	hopts := httpx.Options{TraceSize: 100000, TraceBytes: 64 << 20}
	var onward *httpx.Client
	var route func(*http.Request) (*url.URL, error) // tunnels: HTTPS_PROXY, or the emulator, which never dials out
	environ := os.Environ()
	if emulated {
		svc, err := app.Setup(ctx, app.Options{Emulator: true, Stderr: stderr})
		if err != nil {
			fmt.Fprintln(stderr, "azrepl:", err)
			return 1
		}
		defer svc.Close()
		onward, route = svc.NewHTTPClient(hopts), svc.Proxy()
		environ = svc.Environ // the emulator's AZURE_* and DATABRICKS_* defaults, for the program too
	} else {
		onward = httpx.New(hopts)
	}
	res, err := record.Run(ctx, record.Config{Command: o.argv, Intercept: o.intercept, Onward: onward, TunnelRoute: route, Environ: environ})
	if err != nil {
		fmt.Fprintf(stderr, "azrepl: record: %v\n", err)
		return 1
	}
	if res.StartErr != nil {
		fmt.Fprintf(stderr, "azrepl: record: %s: %v\n", o.argv[0], startErrText(res.StartErr))
		return res.Exit
	}
	if err := writeRecording(o.out, o.argv, started, res); err != nil {
		fmt.Fprintf(stderr, "azrepl: record: writing %s: %v\n", o.out, err)
	}
	record.WriteSummary(stderr, o.argv, res)
	if res.Signal != "" {
		fmt.Fprintf(stderr, "  %s was ended by signal %d (%s)\n", filepath.Base(o.argv[0]), res.Exit-128, res.Signal)
	}
	fmt.Fprintf(stderr, "  written: %s/{trace.json,report.html,flow.har,flow.js}\n", o.out)
	return res.Exit
}

func startErrText(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 && strings.HasPrefix(msg, "exec:") {
		return msg[i+2:]
	}
	return msg
}

// writeRecording writes the run's files, 0600 (they name tenants, accounts
// and resources, though no secret).
func writeRecording(dir string, argv []string, started time.Time, res *record.Result) error {
	program := strings.Join(argv, " ")
	files := []struct {
		name  string
		write func(io.Writer) error
	}{
		{"trace.json", func(w io.Writer) error {
			return traceexport.WriteTrace(w, traceexport.TraceFile{Creator: "azrepl " + version.String(), Program: program, Started: started, Exchanges: res.Exchanges})
		}},
		{"report.html", func(w io.Writer) error {
			return traceexport.Report(w, res.Exchanges, traceexport.ReportOptions{Title: "azrepl record: " + program, Version: version.String(), Client: filepath.Base(argv[0])})
		}},
		{"flow.har", func(w io.Writer) error { return traceexport.HAR(w, res.Exchanges, version.String()) }},
		{"flow.js", func(w io.Writer) error {
			_, err := io.WriteString(w, explain.Script(filepath.Base(argv[0]), program, res.Exchanges))
			return err
		}},
	}
	// Each file is made from the same read-only exchanges: they are made
	// at once, the wait after the program ends being the longest of the four.
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	for i, f := range files {
		wg.Go(func() {
			var b bytes.Buffer
			if err := f.write(&b); err != nil {
				errs[i] = fmt.Errorf("%s: %w", f.name, err)
				return
			}
			errs[i] = os.WriteFile(filepath.Join(dir, f.name), b.Bytes(), 0o600)
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}
