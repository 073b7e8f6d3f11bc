package topology

import (
	"io"
	"strings"

	"github.com/meshcheck/meshcheck/checks"
)

// writeDOT draws the same graph as writeMermaid for Graphviz: networks are
// clusters (subgraphs), clusters are boxes, links are edges.
func writeDOT(w io.Writer, v *View) error {
	p := &errWriter{w: w}
	nodeID := newNodeIDs(v)
	p.printf("digraph fleet {\n  rankdir=LR;\n  compound=true;\n  node [shape=box, style=\"rounded,filled\", fillcolor=\"#eef4ff\", fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n")
	for _, m := range v.Meshes {
		p.printf("  // mesh %s: %s\n", dotComment(m.MeshID), dotComment(m.Model))
	}
	if len(v.Meshes) == 1 {
		p.printf("  label=%s;\n  labelloc=t;\n", dotQuote("mesh "+v.Meshes[0].MeshID+": "+v.Meshes[0].Model))
	}
	for _, n := range v.Networks {
		title := "network " + n.Name
		if len(n.Findings) > 0 {
			title += " ⚠ " + codes(n.Findings)
		}
		p.printf("  subgraph %s {\n    label=%s;\n    style=dashed;\n", "cluster_"+nodeID[n.ID], dotQuote(title))
		if len(n.Findings) > 0 {
			p.printf("    color=\"#cc0000\";\n")
		}
		for _, name := range n.Clusters {
			c := v.Cluster(name)
			if c == nil {
				continue
			}
			attrs := ""
			switch Worst(c.AllFindings()) {
			case checks.Error:
				attrs = `, fillcolor="#ffdddd", color="#cc0000", penwidth=2`
			case checks.Warning:
				attrs = `, fillcolor="#ffe8b3", color="#cc8800"`
			}
			p.printf("    %s [label=%s%s];\n", nodeID[c.ID], dotQuote(strings.Join(clusterLabel(c), "\n")), attrs)
		}
		p.printf("  }\n")
	}
	for _, e := range edges(v, nodeID) {
		l := e.link
		attrs := ""
		switch {
		case !l.Resolved:
			p.printf("  %s [label=%s, style=\"dashed,rounded\", color=\"#cc0000\", fillcolor=white];\n", e.to, dotQuote(l.To+"?"))
			attrs = `, style=dashed, color="#cc0000"`
		case l.Kind == LinkControlPlane:
			attrs = `, penwidth=2.5`
		}
		if len(l.Findings) > 0 {
			attrs += `, color="#cc0000", fontcolor="#cc0000"`
		}
		label := linkLabel(l)
		if e.both {
			label, attrs = "remote secrets", attrs+", dir=both"
		}
		p.printf("  %s -> %s [label=%s%s];\n", e.from, e.to, dotQuote(label), attrs)
	}
	p.printf("}\n")
	return p.err
}

// dotQuote quotes s as a DOT string; \n inside becomes a centred line break.
func dotQuote(s string) string {
	s = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
	return `"` + s + `"`
}

func dotComment(s string) string { return strings.ReplaceAll(s, "\n", " ") }
