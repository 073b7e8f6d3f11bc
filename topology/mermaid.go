package topology

import (
	"io"
	"strconv"
	"strings"

	"github.com/meshcheck/meshcheck/checks"
)

// writeMermaid draws a flowchart: one subgraph per network holding its
// clusters, solid arrows for remote secrets, thick ones for remote →
// primary, dotted red ones for secrets naming no known cluster; clusters,
// networks and links with findings are red (errors) or amber (warnings),
// as in the DOT output, and clusters and networks show the rule codes.
func writeMermaid(w io.Writer, v *View) error {
	p := &errWriter{w: w}
	nodeID := newNodeIDs(v)
	p.printf("flowchart LR\n")
	for _, m := range v.Meshes {
		p.printf("  %%%% mesh %s: %s\n", mermaidComment(m.MeshID), mermaidComment(m.Model))
	}
	for _, n := range v.Networks {
		title := "network " + n.Name
		if len(n.Findings) > 0 {
			title += " ⚠ " + codes(n.Findings)
		}
		p.printf("  subgraph %s[\"%s\"]\n", nodeID[n.ID], mermaidText(title))
		for _, name := range n.Clusters {
			if c := v.Cluster(name); c != nil {
				p.printf("    %s[\"%s\"]\n", nodeID[c.ID], strings.Join(mermaidLines(clusterLabel(c)), "<br/>"))
			}
		}
		p.printf("  end\n")
	}
	for _, l := range v.Links {
		if !l.Resolved {
			p.printf("  %s[\"%s?\"]\n", nodeID["unknown/"+l.To], mermaidText(l.To))
		}
	}
	var red, amber, redLinks, amberLinks []string
	for i, e := range edges(v, nodeID) {
		l := e.link
		switch {
		case !l.Resolved || Worst(l.Findings) == checks.Error:
			redLinks = append(redLinks, strconv.Itoa(i))
		case Worst(l.Findings) == checks.Warning:
			amberLinks = append(amberLinks, strconv.Itoa(i))
		}
		label := linkLabel(l)
		switch {
		case l.Kind == LinkControlPlane:
			p.printf("  %s ==>|\"%s\"| %s\n", e.from, mermaidText(label), e.to)
		case !l.Resolved:
			p.printf("  %s -.->|\"%s\"| %s\n", e.from, mermaidText(label), e.to)
		case e.both:
			p.printf("  %s <-->|\"remote secrets\"| %s\n", e.from, e.to)
		default:
			p.printf("  %s -->|\"%s\"| %s\n", e.from, mermaidText(label), e.to)
		}
	}
	for _, c := range v.Clusters {
		switch Worst(c.AllFindings()) {
		case checks.Error:
			red = append(red, nodeID[c.ID])
		case checks.Warning:
			amber = append(amber, nodeID[c.ID])
		}
	}
	p.printf("  classDef error fill:#fdd,stroke:#c00,stroke-width:2px\n  classDef warning fill:#ffe8b3,stroke:#c80\n")
	if len(red) > 0 {
		p.printf("  class %s error\n", strings.Join(red, ","))
	}
	if len(amber) > 0 {
		p.printf("  class %s warning\n", strings.Join(amber, ","))
	}
	for _, n := range v.Networks {
		switch Worst(n.Findings) {
		case checks.Error:
			p.printf("  style %s stroke:#c00,stroke-width:2px\n", nodeID[n.ID])
		case checks.Warning:
			p.printf("  style %s stroke:#c80,stroke-width:2px\n", nodeID[n.ID])
		}
	}
	if len(redLinks) > 0 {
		p.printf("  linkStyle %s stroke:#c00\n", strings.Join(redLinks, ","))
	}
	if len(amberLinks) > 0 {
		p.printf("  linkStyle %s stroke:#c80\n", strings.Join(amberLinks, ","))
	}
	return p.err
}

// clusterLabel is the text of a cluster node, one entry per line.
func clusterLabel(c *Cluster) []string {
	lines := []string{c.Name + " (" + c.Role + ")"}
	for _, cp := range c.ControlPlanes {
		s := "istiod " + cp.Namespace
		if cp.Revision != "default" {
			s += "@" + cp.Revision
		}
		lines = append(lines, s+" "+cp.Role)
	}
	if len(c.ControlPlanes) == 0 {
		lines = append(lines, "control plane unknown")
	}
	if len(c.Gateways) > 0 {
		lines = append(lines, "e-w gateway")
	}
	if fs := c.AllFindings(); len(fs) > 0 {
		lines = append(lines, "⚠ "+codes(fs))
	}
	return lines
}

func linkLabel(l *Link) string {
	s := "remote secret"
	switch {
	case l.Kind == LinkControlPlane:
		s = "served by"
	case !l.Resolved:
		s = "remote secret: unknown cluster"
	}
	if len(l.Findings) > 0 {
		s += " ⚠ " + codes(l.Findings)
	}
	return s
}

// nodeIDs gives every drawable element an identifier that Mermaid and
// Graphviz accept: its name with other characters turned into "_", and a
// numeric suffix when two names would collide (us-east and us_east).
type nodeIDs map[string]string

func newNodeIDs(v *View) nodeIDs {
	ids := nodeIDs{}
	used := map[string]bool{}
	add := func(id, prefix, name string) {
		if _, ok := ids[id]; ok {
			return
		}
		base := prefix + strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
				return r
			}
			return '_'
		}, name)
		out := base
		for i := 2; used[out]; i++ {
			out = base + "_" + strconv.Itoa(i)
		}
		used[out] = true
		ids[id] = out
	}
	for _, n := range v.Networks {
		add(n.ID, "net_", n.Name)
	}
	for _, c := range v.Clusters {
		add(c.ID, "c_", c.Name)
	}
	for _, l := range v.Links {
		if !l.Resolved {
			add("unknown/"+l.To, "unknown_", l.To)
		}
	}
	return ids
}

func mermaidLines(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = mermaidText(l)
	}
	return out
}

// mermaidText escapes what would end a quoted Mermaid label.
// mermaidComment keeps a comment on its line and inside a Markdown fence.
func mermaidComment(s string) string {
	return strings.NewReplacer("\n", " ", "\r", " ", "`", "'").Replace(s)
}

func mermaidText(s string) string {
	// A backtick would start Mermaid's markdown text, and three close the
	// ```mermaid fence of a Markdown report.
	return strings.NewReplacer(`"`, "#quot;", "<", "#lt;", ">", "#gt;", "|", "#124;", "`", "#96;", "\n", " ", "\r", " ").Replace(s)
}
