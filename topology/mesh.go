package topology

import (
	"fmt"
	"slices"
	"strings"

	"github.com/meshcheck/meshcheck/model"
)

func buildMeshes(fleet *model.Fleet, v *View) []*Mesh {
	var out []*Mesh
	for i, m := range fleet.Meshes {
		mesh := &Mesh{
			ID: fmt.Sprintf("mesh/%d", i+1), MeshID: or(m.ID, Unknown),
			Clusters: slices.Sorted(slices.Values(m.Clusters)),
		}
		if m.ID == "" && len(m.MeshIDs) > 1 {
			mesh.MeshID = "conflicting: " + strings.Join(m.MeshIDs, ", ")
		}
		nets := map[string]bool{}
		tds := map[string]bool{}
		roots := map[string]bool{}
		for _, name := range mesh.Clusters {
			c := v.Cluster(name)
			if c == nil {
				continue
			}
			nets[c.Network] = true
			for _, cp := range c.ControlPlanes {
				if cp.Role != "remote" && cp.TrustDomain != Unknown {
					tds[cp.TrustDomain] = true
				}
			}
			for _, s := range fleet.Clusters[name].CASecrets {
				if s.RootFingerprint != "" {
					roots[s.RootFingerprint] = true
				}
			}
		}
		mesh.Networks = sortedKeys(nets)
		mesh.TrustDomains = orUnknown(sortedKeys(tds))
		mesh.Roots = orUnknown(sortedKeys(roots))
		mesh.Model = installModel(mesh, v)
		out = append(out, mesh)
	}
	return out
}

// installModel names the mesh's deployment model the way Istio's install
// guides do ("primary-remote on different networks").
func installModel(m *Mesh, v *View) string {
	var primaries, remotes, externals, unknown int
	ambient, allAmbient := false, true
	multiCP := false
	for _, name := range m.Clusters {
		c := v.Cluster(name)
		switch c.Role {
		case "primary":
			primaries++
		case "remote":
			remotes++
		case "external":
			externals++
		default:
			unknown++
		}
		local := 0
		for _, cp := range c.ControlPlanes {
			if cp.Role == "primary" {
				local++
			}
			if cp.Role != "remote" {
				ambient = ambient || cp.Ambient
				allAmbient = allAmbient && cp.Ambient
			}
		}
		multiCP = multiCP || local > 1
	}
	var shape string
	switch {
	case len(m.Clusters) == 1 && multiCP:
		return "multiple control planes in one cluster"
	case len(m.Clusters) == 1 && unknown == 1:
		return "single cluster, control plane unknown"
	case len(m.Clusters) == 1:
		shape = "single cluster"
	case externals > 0:
		shape = "external control plane"
	case primaries == 1 && remotes > 0:
		shape = "primary-remote"
	case primaries > 1 && remotes > 0:
		shape = "multi-primary with remote clusters"
	case primaries > 1:
		shape = "multi-primary"
	default:
		shape = "control planes unknown"
	}
	if unknown > 0 && len(m.Clusters) > 1 {
		shape += fmt.Sprintf(" (%d cluster(s) without a known control plane)", unknown)
	}
	if ambient && allAmbient {
		shape = "ambient " + shape
	}
	if multiCP {
		shape += ", multiple control planes in one cluster"
	}
	known := slices.DeleteFunc(slices.Clone(m.Networks), func(n string) bool { return n == Unknown })
	switch {
	case len(m.Clusters) == 1 && len(known) == 1:
		return shape + " on network " + known[0]
	case len(m.Clusters) == 1:
		return shape
	case len(known) > 1:
		return shape + " on different networks"
	case len(known) == 1 && len(known) == len(m.Networks):
		return shape + " on the same network"
	default:
		return shape + ", networks unknown"
	}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func orUnknown(s []string) []string {
	if len(s) == 0 {
		return []string{Unknown}
	}
	return s
}
