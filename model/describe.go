package model

import (
	"slices"

	"github.com/meshcheck/meshcheck/source"
)

// Description is what one object says about the installs of its cluster,
// for telling the clusters of an undeclared fleet apart (fileset.Infer).
type Description struct {
	// ClusterNames are the cluster names its installs set. An external
	// control plane, which runs under the name of the cluster it serves,
	// is marked as such: it is not that cluster.
	ClusterNames []string
	// Installs name the control planes (namespace and revision) that an
	// IstioOperator or Sail Istio installs whole; Helm values files are
	// layered, so they install nothing on their own.
	Installs []string
	// Istio says whether the model reads anything in the object.
	Istio bool
}

// Describe reads one object alone (the model merges the installs of one
// revision into one control plane, so several are told apart only one by
// one).
func Describe(obj *source.Object) Description {
	const name = "object"
	c, _ := buildCluster(ClusterInput{Name: name, Objects: []*source.Object{obj}}, nil)
	var d Description
	for _, cp := range c.ControlPlanes {
		if installsWhole(cp) {
			d.Installs = append(d.Installs, cp.Namespace+" revision "+firstNonEmpty(cp.Revision, "default"))
		}
		id := cp.ClusterName
		if id == nil || id.Default {
			id = cp.ClusterID
		}
		if id == nil || id.Default || id.Value == "" {
			continue
		}
		n := id.Value
		if cp.Role == RoleExternal {
			n = "external control plane for " + n
		}
		if !slices.Contains(d.ClusterNames, n) {
			d.ClusterNames = append(d.ClusterNames, n)
		}
	}
	d.Istio = c.Recognised()
	return d
}

// installsWhole says whether an IstioOperator or a Sail Istio installs the
// control plane (an istiod, or the remote profile).
func installsWhole(cp *ControlPlane) bool {
	if cp.Role != RoleRemote && (cp.Istiod == nil || !cp.Istiod.Value) {
		return false
	}
	return slices.ContainsFunc(cp.Sources, func(s Source) bool {
		return s.Object.Kind == "IstioOperator" || s.Object.Kind == "Istio" || s.Object.Kind == sailRemoteIstio
	})
}

// Recognised says whether the model read anything Istio uses in c: what
// rule CL010 checks, in Go for the front-ends.
func (c *Cluster) Recognised() bool {
	if len(c.ControlPlanes)+len(c.NetworkGateways)+len(c.Workloads)+len(c.Gateways)+len(c.VirtualServices)+
		len(c.RemoteSecrets)+len(c.CASecrets)+len(c.InjectorWebhooks)+len(c.ZTunnels)+len(c.TLSRoutes) > 0 {
		return true
	}
	for _, ns := range c.Namespaces {
		if ns.Network != nil || ns.Revision != nil || ns.Injection != nil || ns.ControlPlaneClusters != nil {
			return true
		}
	}
	return false
}
