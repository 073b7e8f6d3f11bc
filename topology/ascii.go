package topology

import (
	"fmt"
	"io"
	"strings"
)

// MaxDiagramClusters is the largest fleet drawn as boxes; beyond it the
// ascii format falls back to a grouped list, which stays readable.
const MaxDiagramClusters = 10

// boxesPerRow keeps a network box within about 100 columns, and maxWidth
// is how wide a row of network boxes may grow.
const (
	boxesPerRow = 3
	maxWidth    = 120
)

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
	var frames [][]string
	var members [][][]string // per network, the boxes of its clusters
	var names [][]string
	for _, n := range v.Networks {
		var boxes [][]string
		var ns []string
		for _, name := range n.Clusters {
			if c := v.Cluster(name); c != nil {
				boxes = append(boxes, clusterBox(c))
				ns = append(ns, name)
			}
		}
		title := "network " + n.Name
		if w := Worst(n.Findings); w > 0 {
			title += " !! " + codes(n.Findings)
		}
		frames = append(frames, strings.Split(strings.TrimSuffix(frame(title, rows(boxes, boxesPerRow)), "\n"), "\n"))
		members, names = append(members, boxes), append(names, ns)
	}
	// Network boxes sit side by side as long as a row fits maxWidth columns.
	rowCount := 0
	for i := 0; i < len(frames); {
		n, width := 0, 0
		for i+n < len(frames) && (n == 0 || width+2+len(frames[i+n][0]) <= maxWidth) {
			width += len(frames[i+n][0]) + 2
			n++
		}
		lines := rows(frames[i:i+n], n)
		for k := range lines {
			lines[k] = strings.TrimRight(lines[k], " ")
		}
		p.printf("\n%s\n", strings.Join(lines, "\n"))
		i += n
		rowCount++
	}
	drawn := false
	if rowCount == 1 {
		// One row: draw the links as lines under it.
		at := map[string]placedCluster{}
		x, width, ok := 0, 0, true
		for j, f := range frames {
			bx := x + 2
			for k, b := range members[j] {
				if k >= boxesPerRow {
					ok = false // a second row of boxes would make ports ambiguous
				}
				centre := bx + len(b[0])/2
				at[names[j][k]] = placedCluster{out: centre - portShift, in: centre + portShift}
				bx += len(b[0]) + 2
			}
			x += len(f[0]) + 2
			width = x
		}
		if ok {
			var lines []string
			if lines, drawn = lanes(v, at, width); drawn && len(lines) > 0 {
				p.printf("%s\n", strings.Join(lines, "\n"))
			}
		}
	}
	var unresolved []*Link
	for _, l := range v.Links {
		if !l.Resolved {
			unresolved = append(unresolved, l)
		}
	}
	switch {
	case drawn && len(unresolved) > 0:
		p.printf("\n")
		for _, l := range unresolved {
			p.printf("  %s %s %s%s\n", l.From, arrow(l), l.To, linkNote(l))
		}
		p.printf("\n  - -> remote secret naming no known cluster\n")
	case !drawn && len(v.Links) > 0:
		p.printf("\n")
		asciiLinks(p, v)
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
		if name := g[strings.Index(g, "/")+1:]; name != "istio-eastwestgateway" {
			lines = append(lines, "e-w gateway: "+name)
		} else {
			lines = append(lines, "e-w gateway") // the usual name says nothing more
		}
	}
	if len(c.Gateways) == 0 {
		lines = append(lines, "e-w gateway: none shown")
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

// rows lays boxes side by side, perRow at a time, top-aligned.
func rows(boxes [][]string, perRow int) []string {
	var out []string
	for i := 0; i < len(boxes); i += perRow {
		row := boxes[i:min(i+perRow, len(boxes))]
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

// asciiLinks prints one line per source cluster and kind of link, so that
// a full mesh of n clusters takes n lines rather than n*(n-1).
func asciiLinks(p *errWriter, v *View) {
	width := 0
	for _, l := range v.Links {
		width = max(width, len(l.From))
	}
	type key struct{ from, arrow string }
	var order []key
	targets := map[key][]string{}
	for _, l := range v.Links {
		k := key{l.From, arrow(l)}
		if _, ok := targets[k]; !ok {
			order = append(order, k)
		}
		targets[k] = append(targets[k], l.To+linkNote(l))
	}
	for _, k := range order {
		list := strings.Join(targets[k], ", ")
		if m := meshOf(v, k.from); k.arrow == "--->" && m != nil && len(m.Clusters) > 3 && len(targets[k]) == len(m.Clusters)-1 && !strings.Contains(list, "!!") {
			list = fmt.Sprintf("all %d other clusters of mesh %s", len(targets[k]), m.MeshID)
		}
		p.printf("  %-*s %s %s\n", width, k.from, k.arrow, list)
	}
}

// asciiList is the fallback for large fleets: each mesh with its networks,
// one line per network listing its clusters, then link counts.
func asciiList(p *errWriter, v *View) {
	p.printf("\n%d clusters: too many to draw, grouped by mesh and network\n", len(v.Clusters))
	for _, m := range v.Meshes {
		p.printf("\n[mesh %s] %d clusters, %s\n", m.MeshID, len(m.Clusters), m.Model)
		for _, n := range v.Networks {
			var members []string
			for _, name := range n.Clusters {
				c := v.Cluster(name)
				if c == nil || !contains(m.Clusters, name) {
					continue
				}
				s := c.Name + " [" + c.Role
				if c.Role == "remote" {
					s += " of " + c.Primary
				}
				s += "]"
				if fs := c.AllFindings(); len(fs) > 0 {
					s += " !! " + codes(fs)
				}
				members = append(members, s)
			}
			if len(members) == 0 {
				continue
			}
			gw := "no e-w gateway"
			if len(n.Gateways) > 0 {
				gw = plural(len(n.Gateways), "e-w gateway", "e-w gateways")
			}
			line := "  " + n.Name + " (" + gw + "): " + strings.Join(members, ", ")
			if len(n.Findings) > 0 {
				line += " !! " + codes(n.Findings)
			}
			p.printf("%s\n", line)
		}
	}
	var secrets, cps int
	for _, l := range v.Links {
		switch {
		case !l.Resolved:
			p.printf("  %s %s %s%s\n", l.From, arrow(l), l.To, linkNote(l))
		case l.Kind == LinkControlPlane:
			cps++
		default:
			secrets++
		}
	}
	p.printf("\nlinks: %d remote secrets, %d remote -> primary\n", secrets, cps)
}

func meshOf(v *View, cluster string) *Mesh {
	for _, m := range v.Meshes {
		if contains(m.Clusters, cluster) {
			return m
		}
	}
	return nil
}
