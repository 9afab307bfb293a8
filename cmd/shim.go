package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/azrepl/azrepl/internal/dirsafe"
)

// The shims: azrepl installed (a symlink or a copy) under the name az or
// databricks answers the token commands that SDKs and tools run, so that
// AzureCLICredential, the Databricks SDKs' azure-cli and databricks-cli
// auth, kubelogin and Terraform get azrepl's tokens.

// shimNames are the program names azrepl answers as.
var shimNames = []string{"az", "databricks"}

// shimFor returns the shim a program name (argv[0]) stands for, or "".
func shimFor(argv0 string) string {
	base := strings.TrimSuffix(filepath.Base(argv0), ".exe")
	for _, n := range shimNames {
		if base == n {
			return n
		}
	}
	return ""
}

// runShim runs azrepl as the named shim.
func runShim(ctx context.Context, name string, args []string, stdout, stderr io.Writer) int {
	switch name {
	case "az":
		return azMain(ctx, args, stdout, stderr)
	case "databricks":
		return databricksMain(ctx, args, stdout, stderr)
	}
	return 2
}

const shimUsage = `Usage: azrepl shim --dir DIR
       azrepl shim --remove --dir DIR

Installs symlinks DIR/az and DIR/databricks to this azrepl. With DIR first on
PATH, programs that run "az account get-access-token" (azidentity's
AzureCLICredential, kubelogin, Terraform, the Databricks SDKs' azure-cli auth)
or "databricks auth token" (the Databricks SDKs' databricks-cli auth) get
azrepl's tokens. The shims answer only those commands (and "az account show",
which the Databricks SDKs run first); any other command says so and fails.
DIR must be a folder only you can write; an az or databricks there that is
not azrepl's link is never replaced. --remove takes out azrepl's links only.

Example:
  azrepl shim --dir ~/.local/azrepl-shims && export PATH="$HOME/.local/azrepl-shims:$PATH"
`

// shimMain is `azrepl shim --dir DIR` and `azrepl shim --remove --dir DIR`.
func shimMain(args []string, stdout, stderr io.Writer) int {
	dir, remove := "", false
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-h" || a == "--help":
			fmt.Fprint(stdout, shimUsage)
			return 0
		case a == "--dir" && i+1 < len(args):
			dir = args[i+1]
			i++
		case strings.HasPrefix(a, "--dir="):
			dir = strings.TrimPrefix(a, "--dir=")
		case a == "--remove":
			remove = true
		default:
			fmt.Fprintf(stderr, "azrepl: shim: unexpected argument %q (azrepl shim --help)\n", a)
			return 2
		}
	}
	if dir == "" {
		fmt.Fprintln(stderr, "azrepl: shim needs --dir DIR (azrepl shim --help)")
		return 2
	}
	// PATH entries are absolute: a relative one finds az wherever the
	// shell happens to be.
	dir, err := filepath.Abs(dir)
	if err != nil {
		fmt.Fprintln(stderr, "azrepl: shim:", err)
		return 1
	}
	if remove {
		removed, err := removeShims(dir)
		for _, p := range removed {
			fmt.Fprintln(stdout, "removed", p)
		}
		if err != nil {
			fmt.Fprintln(stderr, "azrepl: shim:", err)
			return 1
		}
		if len(removed) == 0 {
			fmt.Fprintf(stdout, "no azrepl shims in %s\n", dir)
		}
		return 0
	}
	self, err := os.Executable()
	if err == nil {
		self, err = filepath.EvalSymlinks(self)
	}
	if err != nil {
		fmt.Fprintln(stderr, "azrepl: shim: cannot find the azrepl binary:", err)
		return 1
	}
	if err := installShims(dir, self); err != nil {
		fmt.Fprintln(stderr, "azrepl: shim:", err)
		return 1
	}
	for _, n := range shimNames {
		fmt.Fprintf(stdout, "%s -> %s\n", filepath.Join(dir, n), self)
	}
	fmt.Fprintf(stdout, "put %s first on PATH, e.g.: export PATH=%s:\"$PATH\"\n", dir, shellQuote(dir))
	return 0
}

// installShims makes dir/az and dir/databricks symlinks to target, in a
// folder only this user can write (the shims run with the user's rights).
// It replaces a link it made before (one to an azrepl binary) and nothing
// else: a real az, or a link to one (Homebrew installs az as a link), stays.
func installShims(dir, target string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	// Checked once it exists: a folder someone else made or can write is
	// refused, whoever created it.
	if err := dirsafe.Check(dir); err != nil {
		return fmt.Errorf("not installing shims: %w", err)
	}
	for _, n := range shimNames {
		p := filepath.Join(dir, n)
		st, err := os.Lstat(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return err
		case st.Mode()&fs.ModeSymlink == 0:
			return fmt.Errorf("%s exists and is not azrepl's shim: not replacing it", p)
		case !isShimLink(p):
			to, _ := os.Readlink(p)
			return fmt.Errorf("%s is a link to %s, not to azrepl: not replacing it", p, to)
		default:
			if err := os.Remove(p); err != nil {
				return err
			}
		}
		if err := os.Symlink(target, p); err != nil {
			return err
		}
	}
	return nil
}

// removeShims removes dir/az and dir/databricks where they are azrepl's
// links, and leaves anything else there alone.
func removeShims(dir string) ([]string, error) {
	var removed []string
	for _, n := range shimNames {
		p := filepath.Join(dir, n)
		if !isShimLink(p) {
			continue
		}
		if err := os.Remove(p); err != nil {
			return removed, err
		}
		removed = append(removed, p)
	}
	return removed, nil
}

// isShimLink tells whether p is a symbolic link that azrepl shim made: its
// target is a program named azrepl.
func isShimLink(p string) bool {
	st, err := os.Lstat(p)
	if err != nil || st.Mode()&fs.ModeSymlink == 0 {
		return false
	}
	to, err := os.Readlink(p)
	if err != nil {
		return false
	}
	base := strings.TrimSuffix(filepath.Base(to), ".exe")
	return base == "azrepl"
}

// shellQuote quotes s for POSIX shells: inside single quotes, each quote
// is closed, escaped with a backslash and reopened.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
