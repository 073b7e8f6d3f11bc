package webhook

import (
	"github.com/meshcheck/meshcheck/checks"
)

// introduced returns the findings of after that the request introduces.
//
// A finding is keyed by its rule, cluster, object and field path: where the
// problem is. Messages carry values, so a request that changes an already
// wrong value to another wrong one changes the message but does not make
// the cluster worse; it is not introduced. A place may hold several
// problems of one rule, so a finding is introduced when its exact message
// is new and its place holds more findings after than before.
// Suppressed findings are never introduced.
func introduced(before, after []checks.Finding) []checks.Finding {
	type place struct{ rule, cluster, object, path string }
	at := func(f checks.Finding) place { return place{f.Rule, f.Cluster, f.Object.String(), f.Path} }
	count := map[place]int{}
	exact := map[place]map[string]bool{}
	for _, f := range before {
		if f.Suppressed {
			continue
		}
		p := at(f)
		count[p]++
		if exact[p] == nil {
			exact[p] = map[string]bool{}
		}
		exact[p][f.Message] = true
	}
	afterCount := map[place]int{}
	for _, f := range after {
		if !f.Suppressed {
			afterCount[at(f)]++
		}
	}
	var out []checks.Finding
	for _, f := range after {
		p := at(f)
		if f.Suppressed || exact[p][f.Message] || afterCount[p] <= count[p] {
			continue
		}
		out = append(out, f)
	}
	return out
}
