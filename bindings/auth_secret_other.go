//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package bindings

import (
	"context"
	"errors"
)

var errNoTerminal = errors.New("no terminal to ask on")

// readSecret: no terminal prompt on this platform; pass the secret instead.
func readSecret(context.Context, string) (string, error) { return "", errNoTerminal }
