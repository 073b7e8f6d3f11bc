package main

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/spf13/pflag"
)

// suggest returns "; did you mean X?" for the name closest to typed, when
// one is close enough to be a typo (at most two edits, as kubectl and cobra
// suggest) or typed begins it, else "".
func suggest(typed string, names []string) string {
	best, bestDist := "", 3
	for _, n := range names {
		if d := distance(typed, n); d < bestDist {
			best, bestDist = n, d
		}
	}
	if best == "" && len(typed) >= 2 {
		for _, n := range names {
			if strings.HasPrefix(n, typed) {
				best = n
				break
			}
		}
	}
	if best == "" || best == typed {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

// unknownFlag is how pflag names a long flag it does not know.
var unknownFlag = regexp.MustCompile(`^unknown flag: (--\S+)`)

// flagSuggestion suggests the command's flag closest to an unknown one.
func flagSuggestion(fs *pflag.FlagSet, err error) string {
	m := unknownFlag.FindStringSubmatch(err.Error())
	if m == nil {
		return ""
	}
	var names []string
	fs.VisitAll(func(f *pflag.Flag) { names = append(names, "--"+f.Name) })
	return suggest(m[1], names)
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
