package topology

import (
	"io"
	"strings"
)

// writeText prints the four dimensions, each single or multiple with its
// members, then the links and the install model.
func writeText(w io.Writer, v *View) error {
	p := &errWriter{w: w}
	for _, m := range v.Meshes {
		p.printf("Install model: %s (mesh %s)\n", m.Model, m.MeshID)
	}
	p.printf("\nClusters: %s (%d)\n", count(len(v.Clusters)), len(v.Clusters))
	for _, c := range v.Clusters {
		p.printf("  %s: role %s, cluster ID %s, network %s", c.Name, c.Role, c.ClusterID, c.Network)
		if c.Role == "remote" {
			p.printf(", served by %s", c.Primary)
		}
		p.printf("\n")
		for _, g := range c.Gateways {
			p.printf("    east-west gateway %s\n", g)
		}
		textFindings(p, "    ", c.Findings)
	}
	p.printf("\nNetworks: %s (%d)\n", count(len(v.Networks)), len(v.Networks))
	for _, n := range v.Networks {
		p.printf("  %s: clusters %s; gateways %s\n", n.Name, list(n.Clusters), list(n.Gateways))
		textFindings(p, "    ", n.Findings)
	}
	p.printf("\nControl planes: %s (%d)\n", count(len(v.ControlPlanes)), len(v.ControlPlanes))
	for _, cp := range v.ControlPlanes {
		p.printf("  %s %s (revision %s): %s", cp.Cluster, cp.Namespace, cp.Revision, cp.Role)
		if cp.Ambient {
			p.printf(", ambient")
		}
		if cp.Role == "remote" {
			p.printf(", served by %s", list(cp.Serves))
		} else {
			p.printf(", serves %s", list(cp.Serves))
		}
		p.printf("; mesh ID %s, trust domain %s\n", cp.MeshID, cp.TrustDomain)
		textFindings(p, "    ", cp.Findings)
	}
	p.printf("\nMeshes: %s (%d)\n", count(len(v.Meshes)), len(v.Meshes))
	for _, m := range v.Meshes {
		p.printf("  %s: clusters %s; networks %s\n", m.MeshID, list(m.Clusters), list(m.Networks))
		p.printf("    trust domain %s; root %s\n", strings.Join(m.TrustDomains, ", "), strings.Join(m.Roots, ", "))
		p.printf("    install model: %s\n", m.Model)
		textFindings(p, "    ", m.Findings)
	}
	p.printf("\nLinks: %d\n", len(v.Links))
	for _, l := range v.Links {
		p.printf("  %s\n", describeLink(l))
		textFindings(p, "    ", l.Findings)
	}
	if len(v.Fleet) > 0 {
		p.printf("\nFleet-wide findings:\n")
		textFindings(p, "  ", v.Fleet)
	}
	return p.err
}

func describeLink(l *Link) string {
	switch {
	case l.Kind == LinkControlPlane:
		return l.From + " => " + l.To + " (control plane: " + l.To + "'s istiod serves " + l.From + ")"
	case !l.Resolved:
		return l.From + " -> " + l.To + "? (remote secret " + l.Secret + " names no known cluster)"
	default:
		s := l.From + " -> " + l.To + " (remote secret"
		if l.Secret != "" {
			s += " " + l.Secret
		}
		return s + ")"
	}
}

func textFindings(p *errWriter, indent string, fs []Finding) {
	for _, f := range fs {
		p.printf("%s! %s %s: %s\n", indent, strings.ToUpper(f.Severity.String()), f.Rule, f.Message)
	}
}
