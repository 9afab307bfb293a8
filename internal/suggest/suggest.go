// Package suggest finds what a mistyped word most likely meant, for the
// "did you mean …?" of flags, subcommands, options, flows and globals.
package suggest

import "strings"

// Nearest is the candidate word most likely meant: the same letters in
// another case, else the closest one at most two edits away (ties: the
// first in alphabetical order), else "".
func Nearest(word string, candidates []string) string {
	best, bestD := "", 3
	lw := strings.ToLower(word)
	for _, c := range candidates {
		if strings.EqualFold(c, word) {
			return c
		}
		if d := Distance(lw, strings.ToLower(c)); d < bestD || (d == bestD && c < best) {
			best, bestD = c, d
		}
	}
	// One or two letters are too short to guess from: "x" is two edits from
	// every two-letter word.
	if len([]rune(word)) <= bestD {
		return ""
	}
	return best
}

// DidYouMean is " — did you mean X?" for Nearest's answer, "" for none.
func DidYouMean(word string, candidates []string) string {
	return Phrase(Nearest(word, candidates))
}

// Phrase is " — did you mean meant?", the words every suggestion ends a
// message with; "" when nothing is meant.
func Phrase(meant string) string {
	if meant == "" {
		return ""
	}
	return " — did you mean " + meant + "?"
}

// Distance is the Damerau–Levenshtein distance with adjacent
// transpositions ("hedaers" is one edit from "headers").
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
