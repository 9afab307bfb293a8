//go:build unix

package dirsafe

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// NoFollow makes os.OpenFile fail on a symbolic link instead of following it.
const NoFollow = syscall.O_NOFOLLOW

func checkOwner(dir string, st fs.FileInfo) error {
	if sys, ok := st.Sys().(*syscall.Stat_t); ok && int(sys.Uid) != os.Getuid() {
		return refusal(dir, fmt.Sprintf("belongs to another user (uid %d): choose a folder of your own", sys.Uid))
	}
	if st.Mode().Perm()&0o022 != 0 {
		return refusal(dir, fmt.Sprintf("is writable by group or others (%v): chmod go-w it or choose another", st.Mode().Perm()))
	}
	return nil
}
