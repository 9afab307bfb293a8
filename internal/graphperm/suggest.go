package graphperm

import "strings"

// Suggest returns the permission name closest to name (case-insensitive
// edit distance), for a did-you-mean: "User.Reed" → "User.Read". False
// when nothing is close enough to be a likely typo.
func Suggest(name string) (string, bool) {
	t, err := load()
	if err != nil || strings.TrimSpace(name) == "" {
		return "", false
	}
	want := strings.ToLower(strings.TrimSpace(name))
	best, bestD := "", len(want)/3+1 // at most about a third of the letters wrong
	for _, n := range t.names {
		if d := distance(want, strings.ToLower(n), bestD); d < bestD {
			best, bestD = n, d
		}
	}
	return best, best != ""
}

// distance is the Levenshtein distance of a and b, or limit when it is at
// least limit (the rows stop early).
func distance(a, b string, limit int) int {
	if d := len(a) - len(b); d >= limit || -d >= limit {
		return limit
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin >= limit {
			return limit
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], limit)
}
