// Package safefile reads the small files a user or a script names to azrepl
// (token files, certificates, profiles, key files) so that a hostile name
// cannot stop it: only regular files, at most a given size, within a deadline.
package safefile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"
)

// Timeout bounds a read whose context has no earlier deadline: a regular
// file on a local disk is read in microseconds; a hung network mount is not.
const Timeout = 10 * time.Second

var (
	// ErrNotRegular is a FIFO, a device, a socket or a folder where a file was expected.
	ErrNotRegular = errors.New("not a regular file")
	// ErrTooLarge is a file above the reader's cap.
	ErrTooLarge = errors.New("file too large")
)

// Read returns the contents of the regular file at path, refusing FIFOs and
// devices (a FIFO would block forever, /dev/zero would never end) and files
// larger than max bytes, and giving up when ctx ends or after Timeout.
func Read(ctx context.Context, path string, max int64) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	f, err := Open(path, max)
	if err != nil {
		return nil, err
	}
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := io.ReadAll(io.LimitReader(f, max+1))
		done <- result{b, err}
	}()
	select {
	case r := <-done:
		f.Close()
		if r.err != nil {
			return nil, &fs.PathError{Op: "read", Path: path, Err: r.err}
		}
		if int64(len(r.b)) > max {
			return nil, tooLarge(path, max)
		}
		return r.b, nil
	case <-ctx.Done():
		f.Close() // unblocks the reader where the system allows
		return nil, &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("gave up: %w", ctx.Err())}
	}
}

// Open is Read's check for callers that stream the file themselves: the
// file is regular and at most max bytes; the caller still reads at most max.
func Open(path string, max int64) (*os.File, error) {
	if err := regular(path, os.Stat); err != nil {
		return nil, err
	}
	// Non-blocking open: a FIFO swapped in after the check does not wait for a writer.
	f, err := os.OpenFile(path, os.O_RDONLY|openNonBlock, 0)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err == nil {
		err = check(path, st, max)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func regular(path string, stat func(string) (fs.FileInfo, error)) error {
	st, err := stat(path)
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return &fs.PathError{Op: "open", Path: path, Err: fmt.Errorf("%w (%s)", ErrNotRegular, kind(st.Mode()))}
	}
	return nil
}

func check(path string, st fs.FileInfo, max int64) error {
	if !st.Mode().IsRegular() {
		return &fs.PathError{Op: "open", Path: path, Err: fmt.Errorf("%w (%s)", ErrNotRegular, kind(st.Mode()))}
	}
	if st.Size() > max {
		return tooLarge(path, max)
	}
	return nil
}

func tooLarge(path string, max int64) error {
	return &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("%w: more than %d bytes", ErrTooLarge, max)}
}

func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeCharDevice != 0, m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "not a plain file"
}
