// Package nearest finds the name a mistyped one probably meant, for the
// "did you mean …?" of configuration and condition errors.
package nearest

import "strings"

// maxLen bounds the names compared: a longer one is no typo of a field
// name, and the comparison costs the product of the lengths.
const maxLen = 64

// Name returns the name of known closest to s, compared without case,
// when it is within two edits; ties go to the first in alphabetical
// order. It returns false when no name is that close.
func Name(s string, known []string) (string, bool) {
	s = strings.ToLower(s)
	best, bestDist := "", 3
	for _, k := range known {
		if d := Distance(s, k); d < bestDist || d == bestDist && k < best {
			best, bestDist = k, d
		}
	}
	return best, best != ""
}

// Distance is the Levenshtein distance of two names, in bytes; names
// longer than 64 bytes are maxLen apart from anything.
func Distance(a, b string) int {
	if len(a) > maxLen || len(b) > maxLen {
		return maxLen
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
