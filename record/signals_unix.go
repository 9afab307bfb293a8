//go:build unix

package record

import (
	"os"
	"syscall"
)

// forwardedSignals are passed on to the recorded program.
var forwardedSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2}
