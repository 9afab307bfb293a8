//go:build unix

// Package measure times programs for the start-up benchmarks: one run of a
// command, and a REPL's time to its prompt in a pseudo-terminal, as a
// person sees it.
package measure

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"github.com/creack/pty"
)

// Run is one run of a program: wall time (to the prompt, for ToPrompt),
// CPU time (user + system) and peak RSS in KiB of the whole run.
type Run struct {
	Wall, CPU time.Duration
	MaxRSS    int64
}

// Command runs argv with env to its end; out is its stdout and stderr.
func Command(env []string, argv ...string) (r Run, out string, err error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = env
	var b bytes.Buffer
	cmd.Stdout, cmd.Stderr = &b, &b
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return Run{}, b.String(), fmt.Errorf("%v: %w", argv, err)
	}
	return Run{Wall: time.Since(start), CPU: cpu(cmd), MaxRSS: maxRSS(cmd)}, b.String(), nil
}

// ToPrompt starts argv in a pseudo-terminal, waits for prompt, then ends it
// with Ctrl-D (killed after 5 s); Wall is the time to the prompt.
func ToPrompt(env []string, prompt []byte, argv ...string) (Run, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = env
	start := time.Now()
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 100})
	if err != nil {
		return Run{}, err
	}
	defer f.Close()
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
			return Run{}, fmt.Errorf("%s: no prompt (%v): %q", argv[0], err, seen.String())
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
	return Run{Wall: wall, CPU: cpu(cmd), MaxRSS: maxRSS(cmd)}, nil
}

func cpu(cmd *exec.Cmd) time.Duration {
	return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
}

func maxRSS(cmd *exec.Cmd) int64 {
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss
	}
	return 0
}

// Median is the middle of xs (the upper one of an even count); xs is not
// reordered.
func Median[T cmp.Ordered](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// MS is d in milliseconds.
func MS(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Azrepl makes a scratch folder, which the caller removes, and returns it
// with bin, or, when bin is "", with azrepl built from this tree into it.
func Azrepl(prefix, bin string) (dir, azrepl string, err error) {
	dir, err = os.MkdirTemp("", prefix)
	if err != nil {
		return "", "", err
	}
	if bin != "" {
		return dir, bin, nil
	}
	bin = filepath.Join(dir, "azrepl")
	build := exec.Command("go", "build", "-o", bin, "github.com/azrepl/azrepl")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		_ = os.RemoveAll(dir)
		return "", "", fmt.Errorf("build: %w", err)
	}
	return dir, bin, nil
}
