package report

import (
	"fmt"
	"maps"
	"slices"
)

// Coverage is what a run understood, so that a clean result is never taken
// for a check of inputs that were not read: per cluster, the Istio objects
// the model recognised, and how many inputs were not evaluated.
type Coverage struct {
	Clusters     []ClusterCoverage `json:"clusters"`
	NotEvaluated int               `json:"not_evaluated"`
}

// ClusterCoverage counts what the model recognised in one cluster.
type ClusterCoverage struct {
	Name            string `json:"name"`
	ControlPlanes   int    `json:"control_planes"`
	NetworkGateways int    `json:"network_gateways"`
	RemoteSecrets   int    `json:"remote_secrets"`
	CASecrets       int    `json:"ca_secrets"`
}

// coverageOf reads the coverage off the result's fleet model, or nil when
// the result carries none.
func coverageOf(r Result) *Coverage {
	if r.Fleet == nil {
		return nil
	}
	c := &Coverage{Clusters: []ClusterCoverage{}, NotEvaluated: len(r.NotEvaluated)}
	for _, name := range slices.Sorted(maps.Keys(r.Fleet.Clusters)) {
		cl := r.Fleet.Clusters[name]
		c.Clusters = append(c.Clusters, ClusterCoverage{
			Name: name, ControlPlanes: len(cl.ControlPlanes), NetworkGateways: len(cl.NetworkGateways),
			RemoteSecrets: len(cl.RemoteSecrets), CASecrets: len(cl.CASecrets),
		})
	}
	return c
}

// coverageLine says in one line what was understood:
// "understood: 3 control planes, 3 network gateways, 3 remote secrets,
// 2 CA secrets in 3 clusters; 1 file not evaluated".
func coverageLine(c *Coverage) string {
	var total ClusterCoverage
	for _, cl := range c.Clusters {
		total.ControlPlanes += cl.ControlPlanes
		total.NetworkGateways += cl.NetworkGateways
		total.RemoteSecrets += cl.RemoteSecrets
		total.CASecrets += cl.CASecrets
	}
	line := fmt.Sprintf("understood: %s, %s, %s, %s in %s",
		count(total.ControlPlanes, "control plane", "control planes"),
		count(total.NetworkGateways, "network gateway", "network gateways"),
		count(total.RemoteSecrets, "remote secret", "remote secrets"),
		count(total.CASecrets, "CA secret", "CA secrets"),
		count(len(c.Clusters), "cluster", "clusters"))
	if c.NotEvaluated > 0 {
		line += "; " + count(c.NotEvaluated, "input", "inputs") + " not evaluated"
	}
	return line
}
