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
	return indexFindings(before).introduced(after)
}

// place is where a finding is.
type place struct{ rule, cluster, object, path string }

func at(f checks.Finding) place { return place{f.Rule, f.Cluster, f.Object.String(), f.Path} }

// findingIndex is the findings before a request by place, made once per
// "before" review: a large fleet's review holds tens of thousands.
type findingIndex struct {
	count map[place]int
	exact map[place]map[string]bool
}

func indexFindings(before []checks.Finding) *findingIndex {
	x := &findingIndex{count: map[place]int{}, exact: map[place]map[string]bool{}}
	for _, f := range before {
		if f.Suppressed {
			continue
		}
		p := at(f)
		x.count[p]++
		if x.exact[p] == nil {
			x.exact[p] = map[string]bool{}
		}
		x.exact[p][f.Message] = true
	}
	return x
}

// introduced returns the findings of after that the findings indexed do
// not hold (see introduced).
func (x *findingIndex) introduced(after []checks.Finding) []checks.Finding {
	places := make([]place, len(after))
	afterCount := map[place]int{}
	for i, f := range after {
		if !f.Suppressed {
			places[i] = at(f)
			afterCount[places[i]]++
		}
	}
	var out []checks.Finding
	for i, f := range after {
		p := places[i]
		if f.Suppressed || x.exact[p][f.Message] || afterCount[p] <= x.count[p] {
			continue
		}
		out = append(out, f)
	}
	return out
}
