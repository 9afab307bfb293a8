//go:build unix

// Command startup measures how fast azrepl starts, beside a baseline measured
// in the same run: REPL start to first prompt (in a pseudo-terminal, as a
// person sees it) against node's REPL, and `azrepl -e 1` against `node -e 1`
// and /bin/true, with the median wall time and the peak RSS of each.
//
//	go run ./bench/startup [-n 30]
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"syscall"
	"time"

	"github.com/creack/pty"
)

type sample struct {
	wall time.Duration
	rss  int64 // KiB
}

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
	tmp, err := os.MkdirTemp("", "azrepl-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if bin == "" {
		bin = filepath.Join(tmp, "azrepl")
		build := exec.Command("go", "build", "-o", bin, "github.com/azrepl/azrepl")
		build.Stderr = os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("build: %w", err)
		}
	}
	env := append(os.Environ(), "AZREPL_HOME="+filepath.Join(tmp, "home"), "NO_COLOR=1", "NODE_REPL_HISTORY=")

	fmt.Printf("%-28s %12s %12s %-22s %8s\n", "measure (median of "+fmt.Sprint(n)+")", "azrepl", "baseline", "", "ratio")
	row := func(name string, a, b sample, base string, rss bool) {
		if rss {
			fmt.Printf("%-28s %9.1f MB %9.1f MB %-22s %7.2fx\n", name, mb(a.rss), mb(b.rss), base, float64(a.rss)/float64(b.rss))
			return
		}
		fmt.Printf("%-28s %9.1f ms %9.1f ms %-22s %7.2fx\n", name, ms(a.wall), ms(b.wall), base, float64(a.wall)/float64(b.wall))
	}

	azPrompt, err := median(n, func() (sample, error) { return toPrompt(env, []byte("azrepl> "), bin) })
	if err != nil {
		return err
	}
	nodePrompt, nodeErr := median(n, func() (sample, error) { return toPrompt(env, []byte("> "), "node") })
	azE, err := median(n, func() (sample, error) { return command(env, bin, "-e", "1") })
	if err != nil {
		return err
	}
	trueE, err := median(n, func() (sample, error) { return command(env, "/bin/true") })
	if err != nil {
		return err
	}
	nodeE, nodeEErr := median(n, func() (sample, error) { return command(env, "node", "-e", "1") })

	if nodeErr == nil {
		row("REPL start to prompt", azPrompt, nodePrompt, "(node REPL)", false)
	} else {
		fmt.Printf("%-28s %9.1f ms (node unavailable: %v)\n", "REPL start to prompt", ms(azPrompt.wall), nodeErr)
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

// toPrompt starts argv in a pseudo-terminal, waits for the prompt, then
// closes the terminal (EOF/hangup) and collects the peak RSS.
func toPrompt(env []string, prompt []byte, argv ...string) (sample, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = env
	start := time.Now()
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 100})
	if err != nil {
		return sample{}, err
	}
	var seen bytes.Buffer
	buf := make([]byte, 4096)
	var wall time.Duration
	for wall == 0 {
		k, err := f.Read(buf)
		seen.Write(buf[:k])
		if bytes.Contains(seen.Bytes(), prompt) {
			wall = time.Since(start)
		}
		if err != nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			f.Close()
			return sample{}, fmt.Errorf("%s: no prompt (%v): %q", argv[0], err, seen.String())
		}
	}
	_, _ = f.Write([]byte{4}) // Ctrl-D
	go func() { _, _ = io.Copy(io.Discard, f) }()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
	f.Close()
	return sample{wall: wall, rss: maxRSS(cmd)}, nil
}

func command(env []string, argv ...string) (sample, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = env
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return sample{}, fmt.Errorf("%v: %w", argv, err)
	}
	return sample{wall: time.Since(start), rss: maxRSS(cmd)}, nil
}

func maxRSS(cmd *exec.Cmd) int64 {
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss
	}
	return 0
}

// median runs f n times and returns the median wall time and median RSS.
func median(n int, f func() (sample, error)) (sample, error) {
	if n < 1 {
		return sample{}, errors.New("n must be at least 1")
	}
	walls := make([]time.Duration, 0, n)
	rss := make([]int64, 0, n)
	for i := 0; i < n; i++ {
		s, err := f()
		if err != nil {
			return sample{}, err
		}
		walls = append(walls, s.wall)
		rss = append(rss, s.rss)
	}
	sort.Slice(walls, func(i, j int) bool { return walls[i] < walls[j] })
	sort.Slice(rss, func(i, j int) bool { return rss[i] < rss[j] })
	return sample{wall: walls[n/2], rss: rss[n/2]}, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
func mb(kib int64) float64       { return float64(kib) / 1024 }
