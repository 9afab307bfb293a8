package e2e

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// The README's quick start is two commands: one installs azrepl, puts it on
// PATH and runs it against the emulator, one runs the tests — .ci/run, which installs what the tests drive and ends with the
// plain `go test` line that the README names for running without installs.
func TestCIRunsTheREADMETestCommand(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	ci, err := os.ReadFile("../.ci/run")
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile("(?s)## Quick start.*?```(?:sh|bash)?[^\n]*\n(.*?)```").FindSubmatch(readme)
	if block == nil {
		t.Fatal("README has no Quick start block")
	}
	var cmds []string
	for _, l := range strings.Split(strings.TrimSpace(string(block[1])), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			cmds = append(cmds, l)
		}
	}
	if len(cmds) != 2 || cmds[1] != ".ci/run" {
		t.Fatalf("Quick start should be two commands, the second .ci/run; it is %q", cmds)
	}
	for _, part := range []string{"go install", "PATH=", "azrepl --emulator"} {
		if !strings.Contains(cmds[0], part) {
			t.Errorf("Quick start's first command %q lacks %q", cmds[0], part)
		}
	}
	lines := strings.Split(strings.TrimSpace(string(ci)), "\n")
	last := strings.TrimSpace(lines[len(lines)-1])
	if !strings.HasPrefix(last, "go test ") {
		t.Fatalf(".ci/run should end with the go test line, ends with %q", last)
	}
	if !strings.Contains(string(readme), "`"+last+"`") {
		t.Fatalf("README does not name .ci/run's test line %q", last)
	}
}
