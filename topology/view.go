package topology

import (
	"github.com/meshcheck/meshcheck/checks"
)

// Unknown is how the view spells a fact the inputs do not show.
const Unknown = "unknown"

// Link kinds drawn on diagrams.
const (
	LinkRemoteSecret = "remote-secret" // From holds a remote secret for To
	LinkControlPlane = "control-plane" // To's istiod serves From
)

// View is the fleet as the diagrams show it. Every element has an ID that
// is stable across runs and unique in the view, so that findings, SVG
// elements and the HTML page can refer to it.
type View struct {
	Clusters      []*Cluster
	Networks      []*Network
	ControlPlanes []*ControlPlane
	Meshes        []*Mesh
	Links         []*Link
	// Fleet holds the findings that concern no single element.
	Fleet []Finding
}

// Finding is a finding reduced to what a diagram shows, with the element it
// is pinned to.
type Finding struct {
	Rule     string
	Severity checks.Severity
	Message  string
	Cluster  string
	Object   string
	Element  string
}

// Cluster is one cluster box.
type Cluster struct {
	ID        string
	Name      string
	ClusterID string // Istio CLUSTER_ID, or Unknown
	Role      string // primary, remote, external, unknown
	Network   string // or Unknown
	// Primary names the cluster whose control plane serves a remote, or Unknown.
	Primary       string
	ControlPlanes []*ControlPlane
	Gateways      []string // namespace/name of its east-west gateways
	Findings      []Finding
}

// Network is one network box.
type Network struct {
	ID       string
	Name     string // or Unknown for clusters whose network the inputs do not show
	Clusters []string
	Gateways []string // cluster: namespace/name
	Findings []Finding
}

// ControlPlane is one control plane installation.
type ControlPlane struct {
	ID          string
	Cluster     string // where it is installed
	Namespace   string
	Revision    string // "default" when none
	Role        string // primary, remote, external
	MeshID      string
	TrustDomain string
	Ambient     bool
	// Serves lists the clusters whose workloads it configures; for a
	// remote, the cluster whose istiod serves it (or Unknown).
	Serves   []string
	Findings []Finding
}

// Mesh is one group of connected clusters.
type Mesh struct {
	ID           string
	MeshID       string // or Unknown
	TrustDomains []string
	Roots        []string // root certificate fingerprints, or [Unknown]
	Clusters     []string
	Networks     []string
	// Model is the install model in Istio's words.
	Model    string
	Findings []Finding
}

// Link is an edge between two clusters.
type Link struct {
	ID   string
	From string
	To   string // the target cluster, or the name the secret gives when unresolved
	Kind string
	// Resolved is false for a remote secret naming no known cluster.
	Resolved bool
	Secret   string // namespace/name of the remote secret
	Findings []Finding
}

// Worst returns the highest severity among fs, or 0.
func Worst(fs []Finding) checks.Severity {
	var s checks.Severity
	for _, f := range fs {
		s = max(s, f.Severity)
	}
	return s
}

// AllFindings returns the findings of a cluster and of its control planes.
func (c *Cluster) AllFindings() []Finding {
	out := append([]Finding(nil), c.Findings...)
	for _, cp := range c.ControlPlanes {
		out = append(out, cp.Findings...)
	}
	return out
}

// Cluster returns the cluster named name, or nil.
func (v *View) Cluster(name string) *Cluster {
	for _, c := range v.Clusters {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// AllFindings returns every finding in the view, element by element.
func (v *View) AllFindings() []Finding {
	var out []Finding
	for _, m := range v.Meshes {
		out = append(out, m.Findings...)
	}
	for _, n := range v.Networks {
		out = append(out, n.Findings...)
	}
	for _, c := range v.Clusters {
		out = append(out, c.AllFindings()...)
	}
	for _, l := range v.Links {
		out = append(out, l.Findings...)
	}
	return append(out, v.Fleet...)
}
