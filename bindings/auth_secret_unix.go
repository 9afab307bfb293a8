//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package bindings

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
	"golang.org/x/term"
)

// errNoTerminal: there is no terminal to ask on (a pipe, CI, a test).
var errNoTerminal = errors.New("no terminal to ask on")

// readSecret asks for a secret on the controlling terminal with echo off.
// Unlike term.ReadPassword it returns when ctx is cancelled (Ctrl-C): the
// terminal is pollable, so closing it ends the pending read, and the echo is
// restored either way.
func readSecret(ctx context.Context, prompt string) (string, error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return "", errNoTerminal
	}
	defer tty.Close()
	fd := int(tty.Fd())
	if !term.IsTerminal(fd) {
		return "", errNoTerminal
	}
	old, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	if err != nil {
		return "", errNoTerminal
	}
	quiet := *old
	quiet.Lflag &^= unix.ECHO
	quiet.Lflag |= unix.ICANON | unix.ISIG
	if err := unix.IoctlSetTermios(fd, ioctlSetTermios, &quiet); err != nil {
		return "", errNoTerminal
	}
	defer func() { _ = unix.IoctlSetTermios(fd, ioctlSetTermios, old) }()
	fmt.Fprint(tty, prompt)
	defer fmt.Fprintln(tty)

	type line struct {
		s   string
		err error
	}
	got := make(chan line, 1)
	go func() {
		s, err := bufio.NewReader(tty).ReadString('\n')
		got <- line{s, err}
	}()
	select {
	case <-ctx.Done():
		_ = unix.IoctlSetTermios(fd, ioctlSetTermios, old)
		_ = tty.Close() // ends the read above
		return "", ctx.Err()
	case l := <-got:
		if l.err != nil && l.s == "" {
			return "", l.err
		}
		return strings.TrimRight(l.s, "\r\n"), nil
	}
}
