//go:build unix

// Command versus measures two azrepl builds side by side in the same run:
// REPL start to first prompt (in a pseudo-terminal) and a cached-token
// `azrepl -e 'String(token())'` against one emulator. Runs alternate
// between the builds (and which goes first), so the load of a shared machine
// falls on both alike; it prints each build's median and the ratio.
//
//	go run ./bench/versus -base OLD_BINARY [-new NEW_BINARY] [-n 30]
//
// bench/eventloop builds the commit before the event loop and runs this.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/azrepl/azrepl/bench/internal/measure"
)

func main() {
	n := flag.Int("n", 30, "runs per build and measure (medians are printed)")
	base := flag.String("base", "", "the baseline azrepl binary (required)")
	bin := flag.String("new", "", "the azrepl binary measured (default: build this tree)")
	flag.Parse()
	if err := run(*n, *base, *bin); err != nil {
		fmt.Fprintln(os.Stderr, "versus:", err)
		os.Exit(1)
	}
}

type build struct {
	name, bin string
	env       []string        // the emulator's env plus this build's own AZREPL_HOME
	prompt    []time.Duration // wall time to the prompt
	token     []time.Duration // wall time of the -e run
	promptCPU []time.Duration // user+system time of the REPL run (to its exit after Ctrl-D)
	tokenCPU  []time.Duration // user+system time of the -e run
}

func run(n int, base, bin string) error {
	if base == "" || n < 1 {
		return errors.New("-base BINARY is required and -n must be at least 1")
	}
	tmp, bin, err := measure.Azrepl("azrepl-versus-", bin)
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	stop, emuEnv, err := startEmulator(bin, filepath.Join(tmp, "emulator"))
	if err != nil {
		return err
	}
	defer stop()

	builds := []*build{{name: "base", bin: base}, {name: "new", bin: bin}}
	for _, b := range builds {
		b.env = append(slices.Clone(emuEnv), "AZREPL_HOME="+filepath.Join(tmp, "home-"+b.name), "NO_COLOR=1")
		// Sign in once (device code, approved by the emulator); the timed
		// runs then read the token from the cache.
		if _, out, err := b.run("-e", "login().username"); err != nil {
			return fmt.Errorf("%s: login: %v: %s", b.name, err, out)
		}
		if _, out, err := b.run("-e", "String(token())"); err != nil || !strings.HasPrefix(out, "eyJ") {
			return fmt.Errorf("%s: no cached token: %v: %.80s", b.name, err, out)
		}
	}
	for i := range n {
		order := builds
		if i%2 == 1 {
			order = []*build{builds[1], builds[0]}
		}
		for _, b := range order {
			r, err := measure.ToPrompt(b.env, []byte("> "), b.bin)
			if err != nil {
				return fmt.Errorf("%s: %w", b.name, err)
			}
			b.prompt, b.promptCPU = append(b.prompt, r.Wall), append(b.promptCPU, r.CPU)
		}
		for _, b := range order {
			r, out, err := b.run("-e", "String(token())")
			if err != nil {
				return fmt.Errorf("%s: %v: %s", b.name, err, out)
			}
			b.token, b.tokenCPU = append(b.token, r.Wall), append(b.tokenCPU, r.CPU)
		}
	}
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("%d runs each, alternating; load %s\n", n, strings.Join(strings.Fields(string(load))[:min(3, len(strings.Fields(string(load))))], " "))
	// new/base is the ratio of the medians; paired is the median of each
	// round's own ratio (the two runs of a round are back to back, so a load
	// that changes over minutes cancels out).
	fmt.Printf("%-34s %10s %10s %8s %8s\n", "measure (median)", "base", "new", "new/base", "paired")
	row := func(name string, a, b []time.Duration) {
		ma, mb := measure.Median(a), measure.Median(b)
		ratios := make([]float64, len(a))
		for i := range a {
			ratios[i] = float64(b[i]) / float64(a[i])
		}
		slices.Sort(ratios)
		fmt.Printf("%-34s %7.1f ms %7.1f ms %7.2fx %7.2fx\n", name, measure.MS(ma), measure.MS(mb), float64(mb)/float64(ma), ratios[len(ratios)/2])
	}
	row("REPL start to prompt (pty), wall", builds[0].prompt, builds[1].prompt)
	row("REPL to prompt and exit, CPU", builds[0].promptCPU, builds[1].promptCPU)
	row("cached token -e, wall", builds[0].token, builds[1].token)
	row("cached token -e, CPU", builds[0].tokenCPU, builds[1].tokenCPU)
	return nil
}

// startEmulator runs `bin emulate` and returns the environment its env file
// gives clients (proxy and CA) on top of this process's.
func startEmulator(bin, dir string) (stop func(), env []string, err error) {
	cmd := exec.Command(bin, "emulate", "--dir", dir, "--approve-after", "100ms")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	stop = func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
	ready := make(chan bool, 1)
	go func() {
		s := bufio.NewScanner(out)
		found := false
		for s.Scan() {
			if !found && strings.Contains(s.Text(), "emulator ready") {
				found = true
				ready <- true
			}
		}
		if !found {
			ready <- false
		}
	}()
	select {
	case ok := <-ready:
		if !ok {
			stop()
			return nil, nil, errors.New("the emulator ended before it was ready")
		}
	case <-time.After(60 * time.Second):
		stop()
		return nil, nil, errors.New("the emulator was not ready in 60 s")
	}
	env = os.Environ()
	f, err := os.ReadFile(filepath.Join(dir, "env"))
	if err != nil {
		stop()
		return nil, nil, err
	}
	for _, line := range strings.Split(string(f), "\n") {
		line = strings.TrimPrefix(strings.TrimSpace(line), "export ")
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(k, "#") {
			env = append(env, k+"="+strings.Trim(v, `"'`))
		}
	}
	return stop, env, nil
}

// run runs the build with args; out is its stdout and stderr.
func (b *build) run(args ...string) (r measure.Run, out string, err error) {
	return measure.Command(b.env, append([]string{b.bin}, args...)...)
}
