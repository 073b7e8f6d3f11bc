package topology

import (
	"fmt"
	"io"
	"strings"
)

// MaxDiagramClusters is the largest fleet drawn as boxes; beyond it the
// ascii format falls back to a grouped list, which stays readable.
const MaxDiagramClusters = 10

// boxesPerRow keeps a network box within about 100 columns.
const boxesPerRow = 3

// writeASCII draws networks as boxes holding their clusters, each cluster
// with its control plane and east-west gateway, then the links as arrows.
func writeASCII(w io.Writer, v *View) error {
	p := &errWriter{w: w}
	for _, m := range v.Meshes {
		p.printf("mesh %s: %s\n", m.MeshID, m.Model)
	}
	if len(v.Clusters) > MaxDiagramClusters {
		asciiList(p, v)
		return p.err
	}
	for _, n := range v.Networks {
		var boxes [][]string
		for _, name := range n.Clusters {
			if c := v.Cluster(name); c != nil {
				boxes = append(boxes, clusterBox(c))
			}
		}
		title := "network " + n.Name
		if w := Worst(n.Findings); w > 0 {
			title += " !! " + codes(n.Findings)
		}
		p.printf("\n%s", frame(title, rows(boxes)))
	}
	if len(v.Links) > 0 {
		p.printf("\n")
		width := 0
		for _, l := range v.Links {
			width = max(width, len(l.From))
		}
		for _, l := range v.Links {
			p.printf("  %-*s %s %s%s\n", width, l.From, arrow(l), l.To, linkNote(l))
		}
		p.printf("\n  ---> remote secret (istiod of the left cluster reads the right one)\n  ===> control plane (the right cluster's istiod serves the left one)\n  - -> remote secret naming no known cluster\n")
	}
	if len(v.Fleet) > 0 {
		p.printf("\nfleet-wide: %s\n", codes(v.Fleet))
	}
	return p.err
}

func clusterBox(c *Cluster) []string {
	lines := []string{c.Name + " [" + c.Role + "]"}
	if c.ClusterID != c.Name {
		lines = append(lines, "id: "+c.ClusterID)
	}
	for _, cp := range c.ControlPlanes {
		s := "cp: " + cp.Namespace
		if cp.Revision != "default" {
			s += "@" + cp.Revision
		}
		s += " (" + cp.Role
		if cp.Ambient {
			s += ", ambient"
		}
		lines = append(lines, s+")")
	}
	if len(c.ControlPlanes) == 0 {
		lines = append(lines, "cp: unknown")
	}
	if c.Role == "remote" {
		lines = append(lines, "served by: "+c.Primary)
	}
	for _, g := range c.Gateways {
		lines = append(lines, "e-w gw: "+g[strings.Index(g, "/")+1:])
	}
	if len(c.Gateways) == 0 {
		lines = append(lines, "e-w gw: none shown")
	}
	if fs := c.AllFindings(); len(fs) > 0 {
		lines = append(lines, "!! "+codes(fs))
	}
	return box(lines)
}

// box frames lines with +-| borders.
func box(lines []string) []string {
	width := 0
	for _, l := range lines {
		width = max(width, len(l))
	}
	out := []string{"+" + strings.Repeat("-", width+2) + "+"}
	for _, l := range lines {
		out = append(out, fmt.Sprintf("| %-*s |", width, l))
	}
	return append(out, out[0])
}

// rows lays boxes side by side, boxesPerRow at a time.
func rows(boxes [][]string) []string {
	var out []string
	for i := 0; i < len(boxes); i += boxesPerRow {
		row := boxes[i:min(i+boxesPerRow, len(boxes))]
		height := 0
		for _, b := range row {
			height = max(height, len(b))
		}
		for y := range height {
			var parts []string
			for _, b := range row {
				w := len(b[0])
				if y < len(b) {
					parts = append(parts, b[y])
				} else {
					parts = append(parts, strings.Repeat(" ", w))
				}
			}
			out = append(out, strings.Join(parts, "  "))
		}
	}
	return out
}

// frame draws a titled box around body.
func frame(title string, body []string) string {
	width := len(title) + 4
	for _, l := range body {
		width = max(width, len(l))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "+-- %s %s+\n", title, strings.Repeat("-", width-len(title)-2))
	for _, l := range body {
		fmt.Fprintf(&b, "| %-*s |\n", width, l)
	}
	fmt.Fprintf(&b, "+%s+\n", strings.Repeat("-", width+2))
	return b.String()
}

func arrow(l *Link) string {
	switch {
	case l.Kind == LinkControlPlane:
		return "===>"
	case !l.Resolved:
		return "- ->"
	}
	return "--->"
}

func linkNote(l *Link) string {
	s := ""
	if !l.Resolved {
		s = "?  (unknown cluster)"
	}
	if len(l.Findings) > 0 {
		s += "  !! " + codes(l.Findings)
	}
	return s
}

// codes lists the rule codes of fs, once each, in order.
func codes(fs []Finding) string {
	var out []string
	seen := map[string]bool{}
	for _, f := range fs {
		if !seen[f.Rule] {
			seen[f.Rule] = true
			out = append(out, f.Rule)
		}
	}
	return strings.Join(out, " ")
}

// asciiList is the fallback for large fleets: networks with their clusters
// on one line each, then link counts.
func asciiList(p *errWriter, v *View) {
	p.printf("\n%d clusters: too many to draw, grouped by network\n", len(v.Clusters))
	for _, n := range v.Networks {
		p.printf("\n[network %s]  gateways: %d\n", n.Name, len(n.Gateways))
		for _, name := range n.Clusters {
			c := v.Cluster(name)
			if c == nil {
				continue
			}
			s := fmt.Sprintf("  - %s [%s]", c.Name, c.Role)
			if c.Role == "remote" {
				s += " served by " + c.Primary
			}
			if fs := c.AllFindings(); len(fs) > 0 {
				s += "  !! " + codes(fs)
			}
			p.printf("%s\n", s)
		}
	}
	kinds := map[string]int{}
	for _, l := range v.Links {
		switch {
		case !l.Resolved:
			kinds["unresolved remote secrets"]++
			p.printf("\n  %s %s %s?  (unknown cluster)", l.From, arrow(l), l.To)
		case l.Kind == LinkControlPlane:
			kinds["remote -> primary links"]++
		default:
			kinds["remote secrets"]++
		}
	}
	p.printf("\nlinks: %d remote secrets, %d remote -> primary, %d naming unknown clusters\n",
		kinds["remote secrets"], kinds["remote -> primary links"], kinds["unresolved remote secrets"])
}
