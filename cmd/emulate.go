package cmd

import (
	"context"
	"io"

	"github.com/azrepl/azrepl/emulator"
)

// emulate is `azrepl emulate ...`: the emulator parses its own flags.
func emulate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return emulator.Main(ctx, args, stdout, stderr)
}
