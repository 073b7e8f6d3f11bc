package main

import (
	"fmt"

	"github.com/meshcheck/meshcheck/fileset"
	"github.com/meshcheck/meshcheck/gitops"
	"github.com/meshcheck/meshcheck/source"
)

// routed is what one cluster's GitOps objects give another.
type routed struct {
	from int // the cluster whose objects gave it
	gitops.Elsewhere
}

// placeElsewhere adds to each cluster of the set the values of the Argo CD
// Applications that deploy to it from another cluster's files (a hub's
// Applications, or those an ApplicationSet generates for the spokes),
// once each however many clusters read the same ApplicationSet. An
// Application for a cluster the fleet does not have is listed as not
// evaluated: meshcheck never adds a cluster the layout does not declare,
// nor reads a spoke's install as the hub's. Without a declared layout,
// what an ApplicationSet generates for other clusters stays with its file,
// so that inferring the clusters sees the installs it names (and refuses
// to merge them, with the ways to declare the fleet).
func placeElsewhere(set *fileset.Set, layout fileset.Layout, all []routed, seen map[string]bool) {
	index := map[string]int{}
	for i, c := range set.Clusters {
		index[c.Name] = i
	}
	placed := map[string]bool{}
	for _, e := range all {
		i, ok := index[e.Cluster]
		if !ok && !layout.Declared() && e.Generated {
			i, ok = e.from, true
		}
		if !ok {
			n := e.Missing
			if k := fmt.Sprint(n); !seen[k] {
				seen[k] = true
				set.NotEvaluated = append(set.NotEvaluated, &source.Error{File: n.File, Line: n.Line, Err: fmt.Errorf("%w: %s", source.ErrNotEvaluated, n.Message)})
			}
			continue
		}
		if k := e.Cluster + "\x00" + e.Key; placed[k] {
			continue
		} else {
			placed[k] = true
		}
		set.Clusters[i].Objects = append(set.Clusters[i].Objects, e.Objects...)
		for _, o := range e.Objects {
			set.Place(o, e.Home)
		}
	}
}
