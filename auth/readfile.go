package auth

import (
	"context"

	"github.com/azrepl/azrepl/internal/safefile"
)

// Caps of the files auth reads: a federated token is a few kB, a PEM chain
// some tens, a profile file or the Azure CLI's cache a few MB at most.
const (
	maxTokenFile   = 256 << 10
	maxPEMFile     = 1 << 20
	maxProfileFile = 4 << 20
	maxAzCLIFile   = 64 << 20
	maxArcKeyFile  = 4096
)

// readFile reads a file a user, a script or the environment names: regular
// files only (never a FIFO or a device), at most max bytes, within a deadline.
func readFile(ctx context.Context, path string, max int64) ([]byte, error) {
	return safefile.Read(ctx, path, max)
}
