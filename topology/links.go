package topology

import (
	"fmt"
	"maps"
	"slices"

	"github.com/meshcheck/meshcheck/model"
)

// buildLinks keeps the model's remote-secret and control-plane links (mesh-id
// and declared links are not drawn: the mesh box shows them) and adds a
// dashed link for each remote secret key that names no known cluster.
func buildLinks(fleet *model.Fleet) []*Link {
	var out []*Link
	seen := map[string]bool{}
	add := func(l *Link) {
		l.ID = fmt.Sprintf("link/%s/%s/%s", l.Kind, l.From, l.To)
		if seen[l.ID] {
			return
		}
		seen[l.ID] = true
		out = append(out, l)
	}
	for _, l := range fleet.Links {
		if l.Kind != LinkRemoteSecret && l.Kind != LinkControlPlane {
			continue
		}
		nl := &Link{From: l.From, To: l.To, Kind: l.Kind, Resolved: true}
		if l.Kind == LinkRemoteSecret {
			nl.Secret = secretFor(fleet.Clusters[l.From], l.To, fleet)
		}
		add(nl)
	}
	known := clusterNames(fleet)
	for _, name := range slices.Sorted(maps.Keys(fleet.Clusters)) {
		for _, s := range fleet.Clusters[name].RemoteSecrets {
			if s.Type != "remote" {
				continue
			}
			for _, e := range s.Entries {
				if _, ok := known[e.Key]; !ok && e.Key != "" {
					add(&Link{From: name, To: e.Key, Kind: LinkRemoteSecret, Secret: s.Namespace + "/" + s.Name})
				}
			}
		}
	}
	slices.SortStableFunc(out, func(a, b *Link) int {
		if a.Resolved != b.Resolved {
			if a.Resolved {
				return -1
			}
			return 1
		}
		return 0
	})
	return out
}

// clusterNames maps every Istio cluster ID and meshcheck name to its cluster,
// the way the model resolves remote secret keys.
func clusterNames(fleet *model.Fleet) map[string]string {
	out := map[string]string{}
	for name, c := range fleet.Clusters {
		out[name] = name
		if c.ID != nil && c.ID.Value != "" {
			out[c.ID.Value] = name
		}
	}
	return out
}

// secretFor names the remote secret in from that points at cluster to.
func secretFor(from *model.Cluster, to string, fleet *model.Fleet) string {
	if from == nil {
		return ""
	}
	names := clusterNames(fleet)
	for _, s := range from.RemoteSecrets {
		for _, e := range s.Entries {
			if names[e.Key] == to {
				return s.Namespace + "/" + s.Name
			}
		}
	}
	return ""
}

// pairs finds remote secrets held both ways between two clusters, with no
// finding on either: diagrams draw each such pair as one double-headed
// line (both), leaving the other direction out (skip). A full mesh of n
// clusters then draws n*(n-1)/2 lines rather than n*(n-1).
func pairs(v *View) (both, skip map[string]bool) {
	both, skip = map[string]bool{}, map[string]bool{}
	byID := map[string]*Link{}
	for _, l := range v.Links {
		byID[l.ID] = l
	}
	plain := func(l *Link) bool {
		return l != nil && l.Kind == LinkRemoteSecret && l.Resolved && len(l.Findings) == 0
	}
	for _, l := range v.Links {
		rev := byID["link/"+l.Kind+"/"+l.To+"/"+l.From]
		if !plain(l) || !plain(rev) {
			continue
		}
		if l.From < l.To {
			both[l.ID] = true
		} else {
			skip[l.ID] = true
		}
	}
	return both, skip
}

// edge is one line a diagram draws between two node IDs.
type edge struct {
	from, to string
	link     *Link
	// both draws a pair of remote secrets as one double-headed line.
	both bool
}

// edges are the lines of a diagram, in link order: every link from one
// cluster to another or to an unknown one, a plain pair once (pairs).
func edges(v *View, ids nodeIDs) []edge {
	both, skip := pairs(v)
	var out []edge
	for _, l := range v.Links {
		if skip[l.ID] {
			continue
		}
		to := ids["cluster/"+l.To]
		if !l.Resolved {
			to = ids["unknown/"+l.To]
		}
		out = append(out, edge{from: ids["cluster/"+l.From], to: to, link: l, both: both[l.ID]})
	}
	return out
}
