// Command recordclient makes N sequential GETs of one URL on one kept-alive
// connection (through HTTPS_PROXY, trusting SSL_CERT_FILE, as any Go program)
// and prints the median time of one exchange in microseconds: run directly
// and under `azrepl record`, the difference is the recorder's cost per
// exchange (bench/record).
package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"time"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: recordclient N URL")
		os.Exit(2)
	}
	n, err := strconv.Atoi(os.Args[1])
	if err != nil || n < 1 {
		fmt.Fprintln(os.Stderr, "recordclient: N must be a positive number")
		os.Exit(2)
	}
	var took []time.Duration
	for i := 0; i < n+5; i++ { // 5 warm-ups: the connection and the TLS session
		start := time.Now()
		resp, err := http.Get(os.Args[2])
		if err != nil {
			fmt.Fprintln(os.Stderr, "recordclient:", err)
			os.Exit(1)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != 200 {
			fmt.Fprintln(os.Stderr, "recordclient: status", resp.StatusCode)
			os.Exit(1)
		}
		if i >= 5 {
			took = append(took, time.Since(start))
		}
	}
	slices.Sort(took)
	fmt.Printf("%.1f\n", float64(took[len(took)/2].Microseconds()))
}
