//go:build unix

package safefile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestReadPlainFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(p, []byte("eyJ.a.b\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := Read(context.Background(), p, 64)
	if err != nil || string(b) != "eyJ.a.b\n" {
		t.Fatalf("Read = %q, %v", b, err)
	}
}

func TestReadRefusesDevicesFIFOsAndLargeFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, make([]byte, 65), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink("/dev/zero", link); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path string
		want error
		say  string
	}{
		{"/dev/zero", ErrNotRegular, "a device"},
		{link, ErrNotRegular, "a device"},
		{fifo, ErrNotRegular, "a FIFO"},
		{dir, ErrNotRegular, "a folder"},
		{big, ErrTooLarge, "more than 64 bytes"},
	} {
		_, err := Read(context.Background(), c.path, 64)
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.say) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Read(%s) = %v, want %v saying %q", c.path, err, c.want, c.say)
		}
		if f, err := Open(c.path, 64); err == nil {
			f.Close()
			t.Errorf("Open(%s) succeeded", c.path)
		}
	}
}
