package tabletest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// recorder is a testing.TB that keeps what a test reported.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func TestEachReportsEveryDifference(t *testing.T) {
	r := &recorder{TB: t}
	Each(r, "upper", strings.ToUpper, map[string]string{"a": "A", "b": "x", "c": "y"})
	if len(r.errors) != 2 {
		t.Fatalf("reported %q, want the two wrong cases", r.errors)
	}
	for _, want := range []string{`upper("b") = "B", want "x"`, `upper("c") = "C", want "y"`} {
		if !slices.Contains(r.errors, want) {
			t.Errorf("reported %q, want %q among them", r.errors, want)
		}
	}
}

func TestEachPassesWhenAllMatch(t *testing.T) {
	r := &recorder{TB: t}
	Each(r, "len", func(s string) int { return len(s) }, map[string]int{"": 0, "ab": 2})
	if len(r.errors) != 0 {
		t.Fatalf("reported %q for a table that holds", r.errors)
	}
}
