package docs

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestCommandTableIsComplete: every subcommand `azrepl --help` lists has a
// row in the README's command table.
func TestCommandTableIsComplete(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "azrepl")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building azrepl: %v\n%s", err, out)
	}
	help, err := exec.Command(bin, "--help").Output()
	if err != nil {
		t.Fatal(err)
	}
	usage, _, _ := strings.Cut(string(help), "\nFlags:")
	var names []string
	for _, m := range regexp.MustCompile(`(?m)^  azrepl (?:\[[^\]]*\] )*(?:-e '[^']*' )?([a-z]+)`).FindAllStringSubmatch(usage, -1) {
		names = append(names, m[1])
	}
	t.Logf("subcommands: %v", names)
	if len(names) < 10 {
		t.Fatalf("found only %v in azrepl --help:\n%s", names, help)
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, _ := strings.Cut(string(readme), "\n## Command line\n")
	table, _, _ = strings.Cut(table, "\n\n- ")
	var firsts []string
	for _, row := range strings.Split(table, "\n") {
		if cells := strings.Split(row, " | "); strings.HasPrefix(row, "| `azrepl") && len(cells) > 1 {
			firsts = append(firsts, cells[0])
		}
	}
	for _, name := range names {
		re := regexp.MustCompile("`azrepl (?:\\[[^`]*?\\] )*" + name + "\\b")
		found := false
		for _, f := range firsts {
			found = found || re.MatchString(f)
		}
		if !found {
			t.Errorf("azrepl %s is in azrepl --help but has no row in the README's command table", name)
		}
	}
}
