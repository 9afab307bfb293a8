package cmd

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strings"
)

// A command a shim does not answer goes to the real tool: the next program
// of that name on PATH that is not azrepl, as pyenv's shims hand a command
// to the interpreter they stand for.

// leadingWords are a command line's words before its first flag.
func leadingWords(args []string) []string {
	var w []string
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			break
		}
		w = append(w, a)
	}
	return w
}

// realTool is the path of the program name found on PATH after the shims:
// the first executable of that name that is not this azrepl nor a link to an
// azrepl; "" when there is none. Relative PATH entries are skipped (they
// would pick a program from wherever the shell stands).
func realTool(name string) string {
	var self os.FileInfo
	if exe, err := os.Executable(); err == nil {
		self, _ = os.Stat(exe)
	}
	exts := []string{""}
	if goruntime.GOOS == "windows" {
		exts = []string{".exe", ".cmd", ".bat"}
	}
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if !filepath.IsAbs(dir) {
			continue
		}
		for _, ext := range exts {
			p := filepath.Join(dir, name+ext)
			st, err := os.Stat(p)
			if err != nil || !st.Mode().IsRegular() || (goruntime.GOOS != "windows" && st.Mode().Perm()&0o111 == 0) {
				continue
			}
			if self != nil && os.SameFile(st, self) {
				continue
			}
			if resolved, err := filepath.EvalSymlinks(p); err == nil && strings.TrimSuffix(filepath.Base(resolved), ".exe") == "azrepl" {
				continue
			}
			return p
		}
	}
	return ""
}

// passThrough runs the real tool with the same arguments and standard
// streams and returns its exit status.
func passThrough(ctx context.Context, path string, args []string, stdout, stderr io.Writer) int {
	c := exec.CommandContext(ctx, path, args...)
	c.Stdin, c.Stdout, c.Stderr = os.Stdin, stdout, stderr
	err := c.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitCode()
	}
	io.WriteString(stderr, "azrepl: "+filepath.Base(path)+": "+err.Error()+"\n")
	return 127
}
