// Package dirsafe tells whether a folder is the user's own: owned by the
// user running azrepl and writable by nobody else. Files azrepl writes there
// (the emulator's env, the az shims) are run or sourced later; a folder
// another user can change would let that user run code as this one.
// Unix reads the owner uid and the mode bits; Windows reads the owner SID
// and the DACL, since its mode bits say nothing about who may write.
package dirsafe

import (
	"errors"
	"fmt"
	"os"
)

// ErrNotPrivate is wrapped by Check's refusals.
var ErrNotPrivate = errors.New("not a private folder")

// Check refuses a folder that another user owns or may write to. It follows
// a symbolic link to the folder (its target is what gets written).
func Check(dir string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is not a folder", dir)
	}
	return checkOwner(dir, st)
}

// refusal is Check's error: one line that says what to do; it is
// ErrNotPrivate for errors.Is.
func refusal(dir, why string) error { return notPrivate(dir + " " + why) }

type notPrivate string

func (e notPrivate) Error() string        { return string(e) }
func (e notPrivate) Is(target error) bool { return target == ErrNotPrivate }
