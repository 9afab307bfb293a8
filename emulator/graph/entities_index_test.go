package graph

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// generatedIndex is the pos-th generated index that was not deleted, for
// any set of deleted ones (checked against counting them one by one).
func TestGeneratedIndexSkipsDeleted(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		n := 1 + rng.IntN(60)
		var gone []int
		for j := range n {
			if rng.IntN(3) == 0 || (round%7 == 0 && j < n/2) {
				gone = append(gone, j)
			}
		}
		s := &entitySet{gone: gone}
		pos := 0
		for j := range n {
			if _, deleted := slices.BinarySearch(gone, j); deleted {
				continue
			}
			if got := s.generatedIndex(pos); got != j {
				t.Fatalf("gone %v: generatedIndex(%d) = %d, want %d", gone, pos, got, j)
			}
			pos++
		}
	}
}
