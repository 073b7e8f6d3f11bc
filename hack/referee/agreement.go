package referee

import (
	"slices"
	"sort"
)

// Agreement is whether meshcheck's findings and the referee's verdict tell
// the same story about one fleet, in the two places the referee can judge:
// discovery (cluster, network and control-plane dimensions) and what the
// istiods of each mesh serve (the mesh dimension).
type Agreement struct {
	// DiscoveryErrors are the discovery-class rules meshcheck reported as
	// errors, MeshFindings the mesh-class ones it reported as errors or
	// warnings (a differing mesh ID is a warning: nothing but telemetry
	// reads it), sorted.
	DiscoveryErrors, MeshFindings []string
	// Discovery: meshcheck reports no discovery error and istiod discovers
	// across clusters, or it reports one and istiod shows a breakage.
	Discovery bool
	// Mesh: meshcheck reports no mesh finding and the istiods of each mesh
	// serve consistent mesh IDs and trust domains, or it reports one and
	// they differ.
	Mesh bool
}

// Agree compares one fleet's findings with its verdict.
func Agree(r *Result) Agreement {
	var a Agreement
	for _, f := range r.Findings {
		switch {
		case f.Severity == "error" && DiscoveryClass(f.Rule) && !slices.Contains(a.DiscoveryErrors, f.Rule):
			a.DiscoveryErrors = append(a.DiscoveryErrors, f.Rule)
		case (f.Severity == "error" || f.Severity == "warning") && MeshClass(f.Rule) && !slices.Contains(a.MeshFindings, f.Rule):
			a.MeshFindings = append(a.MeshFindings, f.Rule)
		}
	}
	sort.Strings(a.DiscoveryErrors)
	sort.Strings(a.MeshFindings)
	a.Discovery = (len(a.DiscoveryErrors) == 0) == r.Verdict.Works
	a.Mesh = (len(a.MeshFindings) == 0) == (r.Verdict.Dimension(DimMesh).State(DimMesh) != "differs")
	return a
}

// OK is agreement in both places.
func (a Agreement) OK() bool { return a.Discovery && a.Mesh }
