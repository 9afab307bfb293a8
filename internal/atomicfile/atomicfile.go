// Package atomicfile replaces a file atomically. It imports nothing of
// azrepl: azrepl's caches and exports and the emulator's folder use it.
package atomicfile

import (
	"os"
	"path/filepath"
)

// Replace puts data at path atomically: it goes to a new file created
// exclusively beside path, with mode set before the first byte is written,
// synced, then renamed over path. A reader never sees half a file, the data
// never exists under a wider mode, and a symlink planted at path is replaced,
// never written through.
func Replace(path string, data []byte, mode os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // nothing left after the rename
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
