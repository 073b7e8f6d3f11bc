package referee

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Dimension is one of the four along which Istio is deployed
// (../shared/istio/REFERENCE.md): the referee judges each on its own, so
// that a verdict says where discovery breaks, not only that it does.
type Dimension string

const (
	// DimCluster is cluster identity: each cluster registered under the ID
	// its proxies claim.
	DimCluster Dimension = "cluster"
	// DimNetwork is reachability across networks: a pod on another network
	// arrives as its network's gateway at the mTLS port.
	DimNetwork Dimension = "network"
	// DimControlPlane is which istiod reads which cluster and serves which
	// proxies: remote clusters registered and synced, proxies answered.
	DimControlPlane Dimension = "control plane"
	// DimMesh is what the istiods of one mesh serve: one mesh ID, trust
	// domains that accept each other, and mesh IDs distinct across meshes.
	DimMesh Dimension = "mesh"
)

// Dimensions in the order they are reported.
var Dimensions = []Dimension{DimCluster, DimNetwork, DimControlPlane, DimMesh}

// DimensionVerdict is the verdict along one dimension.
type DimensionVerdict struct {
	// Judged counts what exercised the dimension: cross-cluster registry
	// pairs (cluster), proxy/cluster pairs across networks (network),
	// istiods and the proxies they serve (control plane), istiods compared
	// (mesh). Zero: the fleet does not exercise it.
	Judged int
	// Problems says where it breaks (for the mesh, where the istiods
	// disagree), one line each.
	Problems []string
}

// State is the one-word verdict: works, broken, or not exercised (the mesh
// dimension says consistent or differs: a trust domain or mesh ID mismatch
// leaves discovery working, and shows in mTLS handshakes or telemetry).
func (d *DimensionVerdict) State(dim Dimension) string {
	switch {
	case len(d.Problems) > 0 && dim == DimMesh:
		return "differs"
	case len(d.Problems) > 0:
		return "broken"
	case d.Judged == 0:
		return "not exercised"
	case dim == DimMesh:
		return "consistent"
	default:
		return "works"
	}
}

// problems collects the verdict's lines by dimension.
type problems map[Dimension]*DimensionVerdict

func newProblems() problems {
	p := problems{}
	for _, d := range Dimensions {
		p[d] = &DimensionVerdict{}
	}
	return p
}

func (p problems) add(d Dimension, format string, args ...any) {
	p[d].Problems = append(p[d].Problems, fmt.Sprintf(format, args...))
}

// discovery is every discovery problem (all dimensions but the mesh's),
// sorted: what Verdict.Broken lists.
func (p problems) discovery() []string {
	var out []string
	for _, d := range Dimensions {
		sort.Strings(p[d].Problems)
		if d != DimMesh {
			out = append(out, p[d].Problems...)
		}
	}
	sort.Strings(out)
	return out
}

// judgeMesh compares what the istiods of each mesh serve (/debug/mesh):
// one mesh ID within a mesh (MS001), trust domains that are equal or
// aliases of each other (MS006: a proxy rejects a peer certificate of a
// trust domain its istiod neither serves nor aliases), and, across meshes,
// distinct mesh IDs (MS007). Root certificates are not compared: the
// referee runs istiod without its CA.
func judgeMesh(m *Model, seen []*Seen, dv *DimensionVerdict) {
	byMesh := map[string][]*Seen{}
	var meshes []string
	for _, s := range seen {
		key := strings.Join(m.MeshOf(s.Cluster), ",")
		if byMesh[key] == nil {
			meshes = append(meshes, key)
		}
		byMesh[key] = append(byMesh[key], s)
	}
	sort.Strings(meshes)
	for _, key := range meshes {
		ss := byMesh[key]
		if len(ss) < 2 {
			continue
		}
		dv.Judged += len(ss)
		for k, a := range ss {
			for _, b := range ss[k+1:] {
				if a.MeshID != b.MeshID {
					dv.Problems = append(dv.Problems, fmt.Sprintf("istiods of one mesh serve different mesh IDs: %s %q, %s %q", a.Cluster, a.MeshID, b.Cluster, b.MeshID))
				}
				if !accepts(a, b) || !accepts(b, a) {
					dv.Problems = append(dv.Problems, fmt.Sprintf("istiods of one mesh serve trust domains that do not alias each other: %s %q (aliases %v), %s %q (aliases %v)",
						a.Cluster, a.TrustDomain, a.TrustDomainAliases, b.Cluster, b.TrustDomain, b.TrustDomainAliases))
				}
			}
		}
	}
	// Across meshes: the first istiod of each stands for its mesh.
	idOwner := map[string]string{}
	for _, key := range meshes {
		s := byMesh[key][0]
		if s.MeshID == "" {
			continue
		}
		if len(meshes) > 1 {
			dv.Judged++
		}
		if other, ok := idOwner[s.MeshID]; ok {
			dv.Problems = append(dv.Problems, fmt.Sprintf("istiods of separate meshes serve the same mesh ID %q: %s and %s", s.MeshID, other, s.Cluster))
			continue
		}
		idOwner[s.MeshID] = s.Cluster
	}
	sort.Strings(dv.Problems)
}

// accepts says whether a's proxies accept b's workload certificates by trust
// domain: b's is a's own or one of a's aliases, or a's istiod skips the
// check.
func accepts(a, b *Seen) bool {
	return a.SkipValidateTrustDomain || a.TrustDomain == b.TrustDomain || slices.Contains(a.TrustDomainAliases, b.TrustDomain)
}

// Dimension is the verdict along d; a verdict without one (no istiod was
// run) has judged nothing.
func (v Verdict) Dimension(d Dimension) *DimensionVerdict {
	if dv := v.Dimensions[d]; dv != nil {
		return dv
	}
	return &DimensionVerdict{}
}
