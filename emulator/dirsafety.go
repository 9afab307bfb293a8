package emulator

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/azrepl/azrepl/internal/dirsafe"
)

// MaxGroups bounds --groups (and --users, --jobs, --clusters): items are
// built on demand, but a filter or a sort still walks them all; far beyond
// any listing a test needs.
const MaxGroups = 1_000_000

// checkOwnDir refuses a --dir that another user could change: one owned by
// someone else, or writable by group or others (a replaced DIR/env would be
// sourced by the user's shell). A folder that does not exist is created 0700.
func checkOwnDir(dir string) error {
	if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil // created 0700 by Start
	} else if err != nil {
		return err
	}
	if err := dirsafe.Check(dir); err != nil {
		return fmt.Errorf("--dir %w", err)
	}
	return nil
}
