package report

import "github.com/meshcheck/meshcheck/checks"

// group is the findings of one cluster (or of the fleet), in input order.
type group struct {
	cluster  string // "" for the fleet
	findings []checks.Finding
}

// byCluster groups findings by cluster in order of first appearance, so the
// caller's sort order decides the order of groups and of findings in them.
func byCluster(fs []checks.Finding) []group {
	var groups []group
	index := map[string]int{}
	for _, f := range fs {
		// Keyed by the cluster itself, not groupName, so that a cluster
		// really called "fleet" is not merged with fleet-wide findings.
		i, ok := index[f.Cluster]
		if !ok {
			i = len(groups)
			index[f.Cluster] = i
			groups = append(groups, group{cluster: f.Cluster})
		}
		groups[i].findings = append(groups[i].findings, f)
	}
	return groups
}

// visible drops suppressed findings unless the user asked to see them.
func visible(fs []checks.Finding, opt Options) []checks.Finding {
	if opt.ShowSuppressed {
		return fs
	}
	var kept []checks.Finding
	for _, f := range fs {
		if !f.Suppressed {
			kept = append(kept, f)
		}
	}
	return kept
}
