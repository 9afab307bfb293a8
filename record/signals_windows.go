//go:build windows

package record

import "os"

// forwardedSignals are passed on to the recorded program: Windows delivers
// only Ctrl-C (os.Interrupt) to a console program.
var forwardedSignals = []os.Signal{os.Interrupt}
