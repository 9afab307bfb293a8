package record

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/term"
)

// killGrace is how long a program may take to end after azrepl passed it a
// SIGTERM or SIGHUP before it is killed: every command ends on its own.
const killGrace = 10 * time.Second

// exitStatus describes how the program ended.
type exitStatus struct {
	Code     int    // azrepl's exit status: the program's, 128+N for signal N, 127 not found, 126 not runnable
	Signal   string // the signal that ended it, if one did
	StartErr error  // it never ran
}

// runChild runs argv with env and the given stdio, passing SIGINT, SIGTERM,
// SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 on. On a terminal the program is in
// azrepl's process group and gets Ctrl-C (SIGINT) and Ctrl-\ (SIGQUIT) from
// the terminal itself: those are not sent twice.
func runChild(ctx context.Context, argv []string, env []string, stdin io.Reader, stdout, stderr io.Writer) exitStatus {
	path, err := exec.LookPath(argv[0])
	if err != nil {
		code := 127
		if errors.Is(err, fs.ErrPermission) {
			code = 126
		}
		return exitStatus{Code: code, StartErr: err}
	}
	cmd := exec.Command(path, argv[1:]...)
	cmd.Args[0] = argv[0]
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, forwardedSignals...)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		code := 127
		if errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.ENOEXEC) {
			code = 126
		}
		return exitStatus{Code: code, StartErr: err}
	}
	onTTY := false
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		onTTY = true
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var kill <-chan time.Time
	for {
		select {
		case sig := <-sigs:
			s := sig.(syscall.Signal)
			if onTTY && (s == syscall.SIGINT || s == syscall.SIGQUIT) {
				continue
			}
			_ = cmd.Process.Signal(s)
			if (s == syscall.SIGTERM || s == syscall.SIGHUP) && kill == nil {
				kill = time.After(killGrace)
			}
		case <-kill:
			_ = cmd.Process.Kill()
		case <-ctx.Done():
			_ = cmd.Process.Kill()
			ctx = context.Background() // once
		case err := <-done:
			return statusOf(cmd, err)
		}
	}
}

func statusOf(cmd *exec.Cmd, err error) exitStatus {
	st, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if ok && st.Signaled() {
		return exitStatus{Code: 128 + int(st.Signal()), Signal: st.Signal().String()}
	}
	if cmd.ProcessState != nil {
		return exitStatus{Code: cmd.ProcessState.ExitCode()}
	}
	return exitStatus{Code: 1, StartErr: err}
}
