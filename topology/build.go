package topology

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/model"
)

// Build derives the view from the fleet model and pins each unsuppressed
// finding to the element it concerns; rules (the catalog) tell which
// findings are about networks.
func Build(fleet *model.Fleet, findings []checks.Finding, rules []checks.Rule) *View {
	v := &View{}
	if fleet == nil {
		return v
	}
	names := slices.Sorted(maps.Keys(fleet.Clusters))
	for _, name := range names {
		v.Clusters = append(v.Clusters, buildCluster(fleet.Clusters[name]))
	}
	v.Networks = buildNetworks(fleet, v.Clusters)
	serve(v, fleet)
	v.Links = buildLinks(fleet)
	v.Meshes = buildMeshes(fleet, v)
	for _, c := range v.Clusters {
		v.ControlPlanes = append(v.ControlPlanes, c.ControlPlanes...)
	}
	network := map[string]bool{}
	for _, r := range rules {
		network[r.Code] = slices.Contains(r.Dimensions, "network")
	}
	for _, f := range findings {
		if !f.Suppressed {
			attach(v, fleet, f, network[f.Rule])
		}
	}
	return v
}

func buildCluster(c *model.Cluster) *Cluster {
	out := &Cluster{
		ID: "cluster/" + c.Name, Name: c.Name, Role: or(c.Role, Unknown),
		ClusterID: factOr(c.ID), Network: factOr(c.Network), Primary: Unknown,
	}
	switch {
	case c.ControlPlaneCluster != "":
		out.Primary = c.ControlPlaneCluster
	case c.Role != "remote":
		out.Primary = ""
	}
	for _, cp := range c.ControlPlanes {
		out.ControlPlanes = append(out.ControlPlanes, &ControlPlane{
			ID:      "cp/" + c.Name + "/" + cp.Namespace + "/" + or(cp.Revision, "default"),
			Cluster: c.Name, Namespace: cp.Namespace, Revision: or(cp.Revision, "default"),
			Role: cp.Role, MeshID: factOr(cp.MeshID), TrustDomain: factOr(cp.TrustDomain),
			Ambient: cp.Ambient != nil && cp.Ambient.Value,
		})
	}
	for _, g := range c.NetworkGateways {
		out.Gateways = append(out.Gateways, g.Namespace+"/"+g.Name)
	}
	return out
}

func buildNetworks(fleet *model.Fleet, clusters []*Cluster) []*Network {
	var out []*Network
	for _, name := range slices.Sorted(maps.Keys(fleet.Networks)) {
		n := fleet.Networks[name]
		nw := &Network{ID: "network/" + name, Name: name, Clusters: slices.Clone(n.Clusters)}
		for _, g := range n.Gateways {
			nw.Gateways = append(nw.Gateways, g.Cluster+": "+g.Namespace+"/"+g.Name)
		}
		out = append(out, nw)
	}
	// Clusters whose network the inputs do not show share one box, so that
	// every cluster is drawn somewhere.
	var unknown *Network
	for _, c := range clusters {
		if c.Network != Unknown {
			if !slices.ContainsFunc(out, func(n *Network) bool { return slices.Contains(n.Clusters, c.Name) }) {
				// Known network the model did not list (no gateway, no peer).
				out = append(out, &Network{ID: "network/" + c.Network, Name: c.Network, Clusters: []string{c.Name}})
			}
			continue
		}
		if unknown == nil {
			unknown = &Network{ID: "network/?unknown", Name: Unknown}
		}
		unknown.Clusters = append(unknown.Clusters, c.Name)
	}
	slices.SortFunc(out, func(a, b *Network) int { return naturalCompare(a.Name, b.Name) })
	if unknown != nil {
		out = append(out, unknown)
	}
	return out
}

// serve fills ControlPlane.Serves: a primary serves its own cluster, and a
// primary or external control plane serves the remotes whose control-plane
// cluster is its host and whose system namespace is its namespace.
func serve(v *View, fleet *model.Fleet) {
	for _, c := range v.Clusters {
		for _, cp := range c.ControlPlanes {
			switch cp.Role {
			case "primary":
				cp.Serves = append(cp.Serves, c.Name)
			case "remote":
				cp.Serves = append(cp.Serves, c.Primary)
			}
		}
	}
	for _, c := range v.Clusters {
		if c.Role != "remote" || c.Primary == Unknown {
			continue
		}
		host := v.Cluster(c.Primary)
		if host == nil {
			continue
		}
		if cp := servingPlane(host, fleet.Clusters[c.Name].SystemNamespace); cp != nil {
			cp.Serves = append(cp.Serves, c.Name)
		}
	}
}

func servingPlane(host *Cluster, namespace string) *ControlPlane {
	var best *ControlPlane
	for _, cp := range host.ControlPlanes {
		if cp.Role == "remote" {
			continue
		}
		if cp.Namespace == namespace && (best == nil || best.Namespace != namespace || cp.Role == "external") {
			best = cp
		}
		if best == nil {
			best = cp
		}
	}
	return best
}

func factOr(f *model.Fact[string]) string {
	if f == nil || f.Value == "" {
		return Unknown
	}
	return f.Value
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// objectString renders a finding's object as kubectl users read it.
func objectString(o model.ObjectRef) string { return strings.TrimSpace(o.String()) }

// naturalCompare orders names with numbers the way people count:
// network2 before network10.
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := digits(a), digits(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if c := cmp.Or(cmp.Compare(len(na), len(nb)), cmp.Compare(na, nb)); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func digits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}
