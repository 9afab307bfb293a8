// Package tabletest is the loop of a table-driven test of a function of one
// argument: every input of the table in, its wanted result compared.
package tabletest

import "testing"

// Each calls f with every key of cases and reports each result that is not
// the key's value, naming f by name. Every case runs; the test fails at the
// end if any differed.
func Each[In, Out comparable](t testing.TB, name string, f func(In) Out, cases map[In]Out) {
	t.Helper()
	for in, want := range cases {
		if got := f(in); got != want {
			t.Errorf("%s(%#v) = %#v, want %#v", name, in, got, want)
		}
	}
}
