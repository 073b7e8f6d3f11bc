package topology

import (
	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/model"
)

// attach pins f to the element it concerns: a remote secret's link, a
// control plane whose inputs include the object, an east-west gateway's
// network, else the cluster, else the mesh of the clusters it relates, else
// the fleet.
func attach(v *View, fleet *model.Fleet, f checks.Finding, network bool) {
	tf := Finding{Rule: f.Rule, Severity: f.Severity, Message: f.Message, Cluster: f.Cluster, Object: objectString(f.Object)}
	mc := fleet.Clusters[f.Cluster]
	c := v.Cluster(f.Cluster)
	if mc == nil || c == nil {
		for _, m := range v.Meshes {
			for _, r := range f.Related {
				if contains(m.Clusters, r.Cluster) {
					tf.Element = m.ID
					m.Findings = append(m.Findings, tf)
					return
				}
			}
		}
		tf.Element = "fleet"
		v.Fleet = append(v.Fleet, tf)
		return
	}
	o := f.Object
	if o.Kind == "Secret" {
		for _, l := range v.Links {
			if l.From == c.Name && l.Secret == o.Namespace+"/"+o.Name {
				tf.Element = l.ID
				l.Findings = append(l.Findings, tf)
				return
			}
		}
	}
	for i, cp := range mc.ControlPlanes {
		for _, s := range cp.Sources {
			if o.Kind != "" && s.Object.Kind == o.Kind && s.Object.Name == o.Name && s.Object.Namespace == o.Namespace && i < len(c.ControlPlanes) {
				// A network finding read from the install belongs to the
				// network box rather than to the control plane.
				if n := networkOf(v, c); n != nil && network {
					tf.Element = n.ID
					n.Findings = append(n.Findings, tf)
					return
				}
				tcp := c.ControlPlanes[i]
				tf.Element = tcp.ID
				tcp.Findings = append(tcp.Findings, tf)
				return
			}
		}
	}
	for _, g := range mc.NetworkGateways {
		if g.Source.Object.Kind == o.Kind && g.Name == o.Name && g.Namespace == o.Namespace && g.Network != nil {
			for _, n := range v.Networks {
				if n.Name == g.Network.Value {
					tf.Element = n.ID
					n.Findings = append(n.Findings, tf)
					return
				}
			}
		}
	}
	tf.Element = c.ID
	c.Findings = append(c.Findings, tf)
}

func networkOf(v *View, c *Cluster) *Network {
	for _, n := range v.Networks {
		if contains(n.Clusters, c.Name) && n.Name != Unknown {
			return n
		}
	}
	return nil
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
