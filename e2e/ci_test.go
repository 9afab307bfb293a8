package e2e

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// .ci/run must run exactly the test command the README gives a new user.
func TestCIRunsTheREADMETestCommand(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	ci, err := os.ReadFile("../.ci/run")
	if err != nil {
		t.Fatal(err)
	}
	// The quick start is the first fenced block: one command to run azrepl, one to test it.
	block := regexp.MustCompile("(?s)## Quick start.*?```(?:sh|bash)?\n(.*?)```").FindSubmatch(readme)
	if block == nil {
		t.Fatal("README has no Quick start block")
	}
	var cmds []string
	for _, l := range strings.Split(strings.TrimSpace(string(block[1])), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			cmds = append(cmds, l)
		}
	}
	if len(cmds) != 2 {
		t.Fatalf("Quick start should have exactly two commands, has %q", cmds)
	}
	lines := strings.Split(strings.TrimSpace(string(ci)), "\n")
	if last := strings.TrimSpace(lines[len(lines)-1]); last != cmds[1] {
		t.Fatalf(".ci/run ends with %q, README tests with %q", last, cmds[1])
	}
}
