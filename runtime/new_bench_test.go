package runtime

import (
	"io"
	"testing"
)

// BenchmarkNewRuntime: what every REPL, -e and run pays for the JavaScript
// runtime with every binding installed (start-up).
func BenchmarkNewRuntime(b *testing.B) {
	for b.Loop() {
		r, err := New(Options{Stdout: io.Discard, Stderr: io.Discard})
		if err != nil {
			b.Fatal(err)
		}
		r.Close()
	}
}
