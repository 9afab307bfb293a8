package emulator

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// MaxGroups bounds --groups (and --users, --jobs, --clusters): items are
// built on demand, but a filter or a sort still walks them all; far beyond
// any listing a test needs.
const MaxGroups = 1_000_000

// checkOwnDir refuses a --dir that another user could change: one owned by
// someone else, or writable by group or others (a replaced DIR/env would be
// sourced by the user's shell). A folder that does not exist is created 0700.
func checkOwnDir(dir string) error {
	st, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // created 0700 by Start
	}
	if err != nil {
		return err
	}
	if st.Mode()&fs.ModeSymlink != 0 {
		if st, err = os.Stat(dir); err != nil {
			return err
		}
	}
	if !st.IsDir() {
		return fmt.Errorf("--dir %s is not a folder", dir)
	}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok && int(sys.Uid) != os.Getuid() {
		return fmt.Errorf("--dir %s belongs to another user (uid %d): choose a folder of your own", dir, sys.Uid)
	}
	if st.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("--dir %s is writable by group or others (%v): chmod go-w it or choose another", dir, st.Mode().Perm())
	}
	return nil
}
