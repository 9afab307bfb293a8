// Package e2e runs the built azrepl binary as a person would: in a terminal
// (tmux) for the REPL, and as a command for `run` and `-e`.
package e2e

import (
	"testing"

	"github.com/azrepl/azrepl/internal/testenv"
)

// bin is the azrepl binary built once for all tests.
var bin string

func TestMain(m *testing.M) { testenv.RunWithAzrepl(m, &bin) }
