//go:build unix

// Command startup measures how fast azrepl starts, beside a baseline measured
// in the same run: REPL start to first prompt (in a pseudo-terminal, as a
// person sees it) against node's REPL, and `azrepl -e 1` against `node -e 1`
// and /bin/true, with the median wall time and the peak RSS of each.
//
//	go run ./bench/startup [-n 30]
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/azrepl/azrepl/bench/internal/measure"
)

func main() {
	n := flag.Int("n", 30, "runs per measure (the median is printed)")
	bin := flag.String("bin", "", "azrepl binary (default: build it)")
	flag.Parse()
	if err := run(*n, *bin); err != nil {
		fmt.Fprintln(os.Stderr, "startup:", err)
		os.Exit(1)
	}
}

func run(n int, bin string) error {
	tmp, bin, err := measure.Azrepl("azrepl-bench-", bin)
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	env := append(os.Environ(), "AZREPL_HOME="+filepath.Join(tmp, "home"), "NO_COLOR=1", "NODE_REPL_HISTORY=")

	fmt.Printf("%-28s %12s %12s %-22s %8s\n", "measure (median of "+fmt.Sprint(n)+")", "azrepl", "baseline", "", "ratio")
	row := func(name string, a, b measure.Run, base string, rss bool) {
		if rss {
			fmt.Printf("%-28s %9.1f MB %9.1f MB %-22s %7.2fx\n", name, mb(a.MaxRSS), mb(b.MaxRSS), base, float64(a.MaxRSS)/float64(b.MaxRSS))
			return
		}
		fmt.Printf("%-28s %9.1f ms %9.1f ms %-22s %7.2fx\n", name, measure.MS(a.Wall), measure.MS(b.Wall), base, float64(a.Wall)/float64(b.Wall))
	}

	azPrompt, err := median(n, func() (measure.Run, error) { return measure.ToPrompt(env, []byte("azrepl> "), bin) })
	if err != nil {
		return err
	}
	nodePrompt, nodeErr := median(n, func() (measure.Run, error) { return measure.ToPrompt(env, []byte("> "), "node") })
	azE, err := median(n, func() (measure.Run, error) { return command(env, bin, "-e", "1") })
	if err != nil {
		return err
	}
	trueE, err := median(n, func() (measure.Run, error) { return command(env, "/bin/true") })
	if err != nil {
		return err
	}
	nodeE, nodeEErr := median(n, func() (measure.Run, error) { return command(env, "node", "-e", "1") })

	if nodeErr == nil {
		row("REPL start to prompt", azPrompt, nodePrompt, "(node REPL)", false)
	} else {
		fmt.Printf("%-28s %9.1f ms (node unavailable: %v)\n", "REPL start to prompt", measure.MS(azPrompt.Wall), nodeErr)
	}
	row("azrepl -e 1, wall", azE, trueE, "(/bin/true)", false)
	if nodeEErr == nil {
		row("azrepl -e 1, wall", azE, nodeE, "(node -e 1)", false)
		row("azrepl -e 1, peak RSS", azE, nodeE, "(node -e 1)", true)
		if nodeErr == nil {
			row("REPL at prompt, peak RSS", azPrompt, nodePrompt, "(node REPL)", true)
		}
	}
	fmt.Printf("targets: prompt < 50 ms, -e < 10 ms, peak RSS < 30 MB\n")
	return nil
}

func command(env []string, argv ...string) (measure.Run, error) {
	r, _, err := measure.Command(env, argv...)
	return r, err
}

// median runs f n times and returns the median wall time and median RSS.
func median(n int, f func() (measure.Run, error)) (measure.Run, error) {
	if n < 1 {
		return measure.Run{}, errors.New("n must be at least 1")
	}
	walls := make([]time.Duration, 0, n)
	rss := make([]int64, 0, n)
	for range n {
		r, err := f()
		if err != nil {
			return measure.Run{}, err
		}
		walls = append(walls, r.Wall)
		rss = append(rss, r.MaxRSS)
	}
	return measure.Run{Wall: measure.Median(walls), MaxRSS: measure.Median(rss)}, nil
}

func mb(kib int64) float64 { return float64(kib) / 1024 }
