package cmd

import (
	"os/exec"
	"testing"
)

// The lines azrepl env prints (export NAME=word) read back unchanged in the
// real shells the tests find: sh, bash, dash, zsh and fish (where
// `azrepl env | source` runs them). A shell not installed is named, not
// silently passed; sh is always there.
func TestEnvLinesReadBackInRealShells(t *testing.T) {
	values := append([]string{"\x1b]0;title\x07", "a b\tc", "$HOME ${HOME} $(id)", "*", "~", "'\"", "(", ";", "#x", "%s", "\\n"}, hostileValues...)
	for _, shell := range []string{"sh", "bash", "dash", "zsh", "fish"} {
		path, err := exec.LookPath(shell)
		if err != nil {
			if shell == "sh" {
				t.Fatal("no sh on PATH")
			}
			t.Logf("%s is not installed: not checked", shell)
			continue
		}
		for _, v := range values {
			script := "export AZREPL_V=" + shellWord(v) + "\nprintf %s \"$AZREPL_V\"\n"
			cmd := exec.Command(path, "-c", script)
			cmd.Env = []string{"HOME=/nonexistent", "PATH=/usr/bin:/bin"}
			out, err := cmd.Output()
			if err != nil || string(out) != v {
				t.Errorf("%s: export AZREPL_V=%s printed %q (%v), want %q", shell, shellWord(v), out, err, v)
			}
		}
	}
}
