package model

import (
	"slices"
)

// linkFleet derives what needs several clusters: which istiod serves each
// remote (and the mesh values the remote inherits from it), the links
// between clusters, the meshes they form and the networks.
func linkFleet(f *Fleet, opt Options) {
	names := sortedKeys(f.Clusters)
	resolve := resolver(f, names)
	f.Links = []Link{}
	for _, a := range names {
		for _, rs := range f.Clusters[a].RemoteSecrets {
			for _, e := range rs.Entries {
				target := resolve(firstNonEmpty(e.Key, e.ContextCluster))
				if rs.Type == "config" {
					target = resolve(e.ContextCluster)
				}
				if target == "" || target == a {
					continue
				}
				src := e.Source
				if rs.Type == "config" {
					f.Links = append(f.Links, Link{From: target, To: a, Kind: "control-plane", Source: &src})
				} else {
					f.Links = append(f.Links, Link{From: a, To: target, Kind: "remote-secret", Source: &src})
				}
			}
		}
	}
	assignControlPlanes(f, names, resolve)
	for _, r := range names {
		if p := f.Clusters[r].ControlPlaneCluster; p != "" {
			inherit(f.Clusters[r], f.Clusters[p])
			f.Links = append(f.Links, Link{From: r, To: p, Kind: "control-plane"})
		}
	}
	linkMeshIDs(f, names)
	for _, group := range opt.Meshes {
		for i := 1; i < len(group); i++ {
			f.Links = append(f.Links, Link{From: group[0], To: group[i], Kind: "declared"})
		}
	}
	f.Meshes = meshes(f, names)
	f.Groups = groupsOf(f, names)
	f.Networks = networks(f, names)
}

// resolver maps an Istio cluster ID to the meshcheck cluster that carries
// it, falling back to meshcheck names (a fleet directory is usually named
// like the cluster). Ambiguous IDs resolve to nothing: CL002 reports them.
func resolver(f *Fleet, names []string) func(string) string {
	byID := map[string][]string{}
	for _, n := range names {
		if id := f.Clusters[n].ID; id != nil && !id.Default {
			byID[id.Value] = append(byID[id.Value], n)
		}
	}
	return func(id string) string {
		if id == "" {
			return ""
		}
		if m := byID[id]; len(m) == 1 {
			return m[0]
		} else if len(m) > 1 {
			return ""
		}
		if c, ok := f.Clusters[id]; ok && (c.ID == nil || c.ID.Default) {
			return id
		}
		return ""
	}
}

// assignControlPlanes finds, for each remote, the cluster whose istiod
// serves it: an external istiod naming it as its config cluster, the
// controlPlaneClusters annotation, a cluster holding a remote secret for it,
// or the cluster whose east-west gateway is its remotePilotAddress. A
// remote that points at another remote (a second remote of an external
// control plane) is served by that remote's control plane.
func assignControlPlanes(f *Fleet, names []string, resolve func(string) string) {
	for _, e := range names {
		for _, cp := range f.Clusters[e].ControlPlanes {
			if cp.Role != RoleExternal || cp.ClusterID == nil {
				continue
			}
			if x := resolve(cp.ClusterID.Value); x != "" && x != e {
				f.Clusters[x].ControlPlaneCluster = e
			}
		}
	}
	idx := newServingIndex(f, names)
	for _, r := range names {
		c := f.Clusters[r]
		if c.Role != RoleRemote || c.ControlPlaneCluster != "" {
			continue
		}
		c.ControlPlaneCluster = idx.candidatePrimary(f, r, resolve)
	}
	// Chase remotes that point at remotes to the end of the chain (or
	// where it turns back on itself): each remote walks its own chain,
	// never the whole fleet once per cluster.
	ends := make(map[string]string, len(names))
	for _, r := range names {
		p := f.Clusters[r].ControlPlaneCluster
		seen := map[string]bool{r: true}
		for p != "" && !seen[p] && f.Clusters[p].Role == RoleRemote && f.Clusters[p].ControlPlaneCluster != "" {
			seen[p] = true
			p = f.Clusters[p].ControlPlaneCluster
		}
		ends[r] = p
	}
	for _, r := range names {
		f.Clusters[r].ControlPlaneCluster = ends[r]
	}
	for _, r := range names {
		if f.Clusters[r].ControlPlaneCluster == r {
			f.Clusters[r].ControlPlaneCluster = ""
		}
	}
}

// servingIndex finds what serves a remote by lookups, not by scanning the
// fleet for each remote.
type servingIndex struct {
	// secretHolder[t] is the first cluster (in link order) other than a
	// remote that holds a remote secret for t.
	secretHolder map[string]string
	// gatewayAt[addr] are the clusters (in name order) with a network
	// gateway at addr.
	gatewayAt map[string][]string
}

func newServingIndex(f *Fleet, names []string) servingIndex {
	idx := servingIndex{secretHolder: map[string]string{}, gatewayAt: map[string][]string{}}
	for _, l := range f.Links {
		if _, seen := idx.secretHolder[l.To]; !seen && l.Kind == "remote-secret" && f.Clusters[l.From].Role != RoleRemote {
			idx.secretHolder[l.To] = l.From
		}
	}
	for _, p := range names {
		for _, g := range f.Clusters[p].NetworkGateways {
			for _, a := range g.Addresses {
				if at := idx.gatewayAt[a]; len(at) == 0 || at[len(at)-1] != p {
					idx.gatewayAt[a] = append(at, p)
				}
			}
		}
	}
	return idx
}

func (idx servingIndex) candidatePrimary(f *Fleet, r string, resolve func(string) string) string {
	c := f.Clusters[r]
	if ns := c.Namespaces[c.SystemNamespace]; ns != nil && ns.ControlPlaneClusters != nil {
		for _, id := range ns.ControlPlaneClusters.Value {
			if p := resolve(id); p != "" && p != r {
				return p
			}
		}
	}
	if p, ok := idx.secretHolder[r]; ok {
		return p
	}
	for _, cp := range c.ControlPlanes {
		if cp.RemotePilotAddress == nil {
			continue
		}
		for _, p := range idx.gatewayAt[cp.RemotePilotAddress.Value] {
			if p != r {
				return p
			}
		}
	}
	return ""
}

// inherit gives a remote's control planes the mesh values of the istiod
// that serves it: that istiod's injector renders the remote's pods.
func inherit(remote, primary *Cluster) {
	for i, cp := range remote.ControlPlanes {
		if cp.Role != RoleRemote {
			continue
		}
		from := servingControlPlane(primary, cp.Revision)
		if from == nil {
			continue
		}
		// A copy: the control plane may come from Reads, shared by other builds.
		own := *cp
		cp, remote.ControlPlanes[i] = &own, &own
		cp.MeshID = inherited(cp.MeshID, from.MeshID, primary.Name)
		cp.TrustDomain = inherited(cp.TrustDomain, from.TrustDomain, primary.Name)
		cp.TrustDomainAliases = inherited(cp.TrustDomainAliases, from.TrustDomainAliases, primary.Name)
		cp.Network = inherited(cp.Network, from.Network, primary.Name)
	}
	if remote.Network == nil {
		for _, cp := range remote.ControlPlanes {
			if cp.Role == RoleRemote && cp.Network != nil {
				remote.Network = cp.Network
				break
			}
		}
	}
}

func servingControlPlane(primary *Cluster, revision string) *ControlPlane {
	var best *ControlPlane
	score := func(cp *ControlPlane) int {
		s := 0
		if cp.Role == RoleExternal {
			s += 4
		}
		if cp.Role == RolePrimary {
			s += 2
		}
		if cp.Revision == revision {
			s++
		}
		return s
	}
	for _, cp := range primary.ControlPlanes {
		if cp.Role == RoleRemote {
			continue
		}
		if best == nil || score(cp) > score(best) {
			best = cp
		}
	}
	return best
}

func inherited[T any](own, from *Fact[T], cluster string) *Fact[T] {
	if own != nil || from == nil {
		return own
	}
	f := *from
	f.InheritedFrom = cluster
	return &f
}

// linkMeshIDs joins clusters whose control planes declare the same mesh ID.
func linkMeshIDs(f *Fleet, names []string) {
	firstWith := map[string]string{}
	for _, n := range names {
		for _, id := range declaredMeshIDs(f.Clusters[n]) {
			if a, ok := firstWith[id]; ok && a != n {
				f.Links = append(f.Links, Link{From: a, To: n, Kind: "mesh-id"})
			} else if !ok {
				firstWith[id] = n
			}
		}
	}
}

func declaredMeshIDs(c *Cluster) []string {
	var ids []string
	for _, cp := range c.ControlPlanes {
		if cp.MeshID != nil && cp.MeshID.InheritedFrom == "" && !slices.Contains(ids, cp.MeshID.Value) {
			ids = append(ids, cp.MeshID.Value)
		}
	}
	return ids
}

// meshes groups clusters into connected components over all the links.
func meshes(f *Fleet, names []string) []*Mesh {
	root := components(names, f.Links, func(Link) bool { return true })
	byRoot := map[string]*Mesh{}
	out := []*Mesh{}
	for _, n := range names {
		m := byRoot[root[n]]
		if m == nil {
			m = &Mesh{MeshIDs: []string{}, Clusters: []string{}, Networks: []string{}}
			byRoot[root[n]] = m
			out = append(out, m)
		}
		c := f.Clusters[n]
		m.Clusters = append(m.Clusters, n)
		for _, id := range declaredMeshIDs(c) {
			if !slices.Contains(m.MeshIDs, id) {
				m.MeshIDs = append(m.MeshIDs, id)
			}
		}
		if c.Network != nil && !slices.Contains(m.Networks, c.Network.Value) {
			m.Networks = append(m.Networks, c.Network.Value)
		}
	}
	for _, m := range out {
		slices.Sort(m.MeshIDs)
		slices.Sort(m.Networks)
		if len(m.MeshIDs) == 1 {
			m.ID = m.MeshIDs[0]
		}
	}
	return out
}

// groupsOf finds the Strong and Linked groups (see Groups).
func groupsOf(f *Fleet, names []string) Groups {
	type pair struct{ from, to string }
	secrets := map[pair]bool{}
	for _, l := range f.Links {
		if l.Kind == "remote-secret" {
			secrets[pair{l.From, l.To}] = true
		}
	}
	return Groups{
		Strong: components(names, f.Links, func(l Link) bool {
			switch l.Kind {
			case "control-plane", "declared":
				return true
			case "remote-secret":
				return secrets[pair{l.To, l.From}]
			}
			return false
		}),
		Linked: components(names, f.Links, func(l Link) bool { return l.Kind != "mesh-id" }),
	}
}

// components maps each name to the first name of its connected component
// over the links kept: union-find, near-linear in names and links.
func components(names []string, links []Link, keep func(Link) bool) map[string]string {
	parent := make(map[string]string, len(names))
	for _, n := range names {
		parent[n] = n
	}
	find := func(x string) string {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for _, l := range links {
		_, from := parent[l.From]
		_, to := parent[l.To]
		if !from || !to || !keep(l) {
			continue
		}
		if a, b := find(l.From), find(l.To); a != b {
			parent[max(a, b)] = min(a, b) // the root stays the first name
		}
	}
	out := make(map[string]string, len(names))
	for _, n := range names {
		out[n] = find(n)
	}
	return out
}

func networks(f *Fleet, names []string) map[string]*Network {
	out := map[string]*Network{}
	get := func(name string) *Network {
		if out[name] == nil {
			out[name] = &Network{Name: name, Clusters: []string{}, Gateways: []GatewayRef{}}
		}
		return out[name]
	}
	for _, n := range names {
		c := f.Clusters[n]
		if c.Network != nil {
			nw := get(c.Network.Value)
			nw.Clusters = append(nw.Clusters, n)
		}
		for _, g := range c.NetworkGateways {
			if g.Network != nil {
				nw := get(g.Network.Value)
				nw.Gateways = append(nw.Gateways, GatewayRef{Cluster: n, Namespace: g.Namespace, Name: g.Name})
			}
		}
	}
	return out
}
