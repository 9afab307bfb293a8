package emulator

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/azrepl/azrepl/internal/atomicfile"
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

// markerFile marks a folder as the emulator's: it writes into a folder
// only when the folder is new, empty, or holds this file.
const markerFile = ".azrepl-emulator"

// prepareDir makes dir the emulator's own. It is created with Mkdir, not
// after a check (another local user could create it in between), then
// checked as it now is: a folder of this user, not writable by others. A
// folder that already exists must be empty or the emulator's (the marker):
// files of the user's own (an env, a tenant.json) are never replaced.
func prepareDir(dir string) error {
	if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
		return err
	}
	created := true
	if err := os.Mkdir(dir, 0o700); errors.Is(err, fs.ErrExist) {
		created = false
	} else if err != nil {
		return err
	}
	if err := checkOwnDir(dir); err != nil {
		return err
	}
	marker := filepath.Join(dir, markerFile)
	if !created {
		if _, err := os.Lstat(marker); err != nil {
			entries, err := os.ReadDir(dir)
			if err != nil {
				return err
			}
			if len(entries) > 0 {
				return fmt.Errorf("--dir %s holds files that are not the emulator's (%s): choose a new or empty folder", dir, entries[0].Name())
			}
		}
	}
	return atomicfile.Replace(marker, []byte("The azrepl emulator's folder: it replaces its files here at each start.\n"), 0o600)
}
