package topology

import (
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/meshcheck/meshcheck/checks"
)

func unknownTargets(v *View) []string {
	var out []string
	for _, l := range v.Links {
		if !l.Resolved && !contains(out, l.To) {
			out = append(out, l.To)
		}
	}
	return out
}

func svgLines(v *View, name string) []string {
	if c := v.Cluster(name); c != nil {
		return clusterLabel(c)
	}
	return []string{name + "?"}
}

// WriteSVG draws the view as an SVG (the picture of the html format; docs
// embed it as a file). Every element carries data-element (its view ID) so
// the page can highlight it; every box carries data-box, and data-parent
// names the box it is drawn in by design (see place).
//
// Only the links with findings, remote secrets naming no known cluster and
// remote secrets between primaries with none back are drawn (shownLinks); the others are in the SVG with class "extra", hidden
// until the page's toggle shows them: a full mesh of remote secrets is the
// mesh band's title, and a remote sits in its primary's group.
func WriteSVG(w io.Writer, v *View) error {
	lo := place(v)
	p := &errWriter{w: w}
	p.printf(`<svg xmlns="http://www.w3.org/2000/svg" id="topology" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="Helvetica, Arial, sans-serif" font-size="12">`+"\n", lo.w, lo.h, lo.w, lo.h)
	p.printf("<style>.link.extra{display:none}</style>\n")
	// An opaque background keeps the picture readable on dark pages.
	p.printf(`<rect width="100%%" height="100%%" fill="#ffffff"/>` + "\n")
	p.printf(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="10" markerHeight="10" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="context-stroke"/></marker></defs>` + "\n")
	p.printf(`<g class="legend" font-size="11" fill="#333">`)
	for i, l := range legendLines {
		p.printf(`<text x="%d" y="%d">%s</text>`, pad, legendY+14*i, esc(l))
	}
	p.printf("</g>\n")
	for _, m := range v.Meshes {
		b, ok := lo.meshes[m.ID]
		if !ok {
			continue
		}
		stroke := "#9aa7bd"
		if len(m.Findings) > 0 {
			stroke = "#cc0000"
		}
		t1, t2 := meshLines(v, m)
		p.printf(`<g class="mesh" data-box="" data-element="%s"><rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" rx="12" fill="#fbfcfe" stroke="%s" stroke-width="1.5"/><text x="%.0f" y="%.0f" font-size="14" font-weight="bold">%s</text>`,
			esc(m.ID), b.r.x, b.r.y, b.r.w, b.r.h, stroke, b.r.x+10, b.r.y+20, esc(t1))
		if t2 != "" {
			p.printf(`<text class="mesh-links" x="%.0f" y="%.0f" font-size="11" fill="#333">%s</text>`, b.r.x+10, b.r.y+37, esc(t2))
		}
		p.printf("</g>\n")
	}
	for _, n := range append(v.Networks, &Network{ID: "network/?unresolved", Name: "names no known cluster", Clusters: unknownTargets(v)}) {
		b, ok := lo.nets[n.ID]
		if !ok {
			continue
		}
		stroke := "#7a8ca8"
		if len(n.Findings) > 0 {
			stroke = "#cc0000"
		}
		p.printf(`<g class="network" data-box="" data-parent="%s" data-element="%s"><rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" rx="10" fill="#f6f8fb" stroke="%s" stroke-dasharray="6 4" stroke-width="1.5"/><text x="%.0f" y="%.0f" font-weight="bold">%s</text></g>`+"\n",
			esc(b.parent), esc(n.ID), b.r.x, b.r.y, b.r.w, b.r.h, stroke, b.r.x+10, b.r.y+18, esc(networkTitle(n)))
	}
	for _, g := range lo.groups {
		p.printf(`<g class="serves" data-box="%s" data-parent="%s"><rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" rx="8" fill="#eef1f6" stroke="#9aa7bd"/><text x="%.0f" y="%.0f" font-size="11" fill="#333">%s</text></g>`+"\n",
			esc(g.id), esc(g.parent), g.r.x, g.r.y, g.r.w, g.r.h, g.r.x+8, g.labelY, esc(g.label))
	}
	// Two clusters holding remote secrets for each other get one
	// double-headed line when every link is shown.
	both, skip := pairs(v)
	for _, l := range v.Links {
		if skip[l.ID] {
			p.printf(`<g class="link paired extra" data-element="%s"></g>`+"\n", esc(l.ID))
			continue
		}
		svgLink(p, lo, v, l, both[l.ID])
	}
	for _, c := range v.Clusters {
		svgCluster(p, lo.clusters[c.Name], c)
	}
	for _, name := range unknownTargets(v) {
		b := lo.clusters[name]
		p.printf(`<g class="cluster unknown" data-box="%s" data-parent="%s"><rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" rx="6" fill="#fff" stroke="#cc0000" stroke-dasharray="4 3"/><text x="%.0f" y="%.0f">%s</text></g>`+"\n",
			esc(b.id), esc(b.parent), b.r.x, b.r.y, b.r.w, b.r.h, b.r.x+8, b.r.y+18, esc(name+"?"))
	}
	p.printf("</svg>\n")
	return p.err
}

func svgCluster(p *errWriter, b pbox, c *Cluster) {
	r := b.r
	fill, stroke := "#eef4ff", "#4a6fa5"
	switch Worst(c.AllFindings()) {
	case checks.Error:
		fill, stroke = "#ffdddd", "#cc0000"
	case checks.Warning:
		fill, stroke = "#ffe8b3", "#cc8800"
	}
	p.printf(`<g class="cluster" data-box="" data-parent="%s" data-element="%s"><rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" rx="6" fill="%s" stroke="%s" stroke-width="1.5"/>`, esc(b.parent), esc(c.ID), r.x, r.y, r.w, r.h, fill, stroke)
	p.printf(`<text x="%.0f" y="%.0f" font-weight="bold">%s</text></g>`+"\n", r.x+8, r.y+18, esc(c.Name+" ("+c.Role+")"))
	lines := clusterLabel(c)[1:]
	y := r.y + 18
	cps := 0
	for _, l := range lines {
		y += lineH
		el := ""
		bg := ""
		if strings.HasPrefix(l, "istiod ") && cps < len(c.ControlPlanes) {
			el = fmt.Sprintf(` class="control-plane" data-element="%s"`, esc(c.ControlPlanes[cps].ID))
			// An invisible row box, so that a highlighted control plane
			// shows as a frame, not just coloured text.
			bg = fmt.Sprintf(`<rect x="%.0f" y="%.0f" width="%.0f" height="%d" rx="3" fill="none" stroke="none"/>`, r.x+8, y-12, r.w-16, lineH)
			cps++
		}
		p.printf(`<g%s data-parent="%s">%s<text x="%.0f" y="%.0f">%s</text></g>`+"\n", el, esc(c.ID), bg, r.x+14, y, esc(l))
	}
}

func svgLink(p *errWriter, lo layout, v *View, l *Link, both bool) {
	a, okA := lo.clusters[l.From]
	b, okB := lo.clusters[l.To]
	if !okA || !okB {
		return
	}
	s, c, e := curve(a.r, b.r)
	if s == c && c == e {
		return
	}
	stroke, dash, width := "#4a6fa5", "", 1.5
	if lo.shown[l.ID] && l.Resolved && len(l.Findings) == 0 {
		stroke = "#cc8800" // one way between primaries
	}
	switch {
	case !l.Resolved:
		stroke, dash = "#cc0000", ` stroke-dasharray="6 4"`
	case l.Kind == LinkControlPlane:
		stroke, width = "#2b4a7a", 3
	}
	if len(l.Findings) > 0 {
		stroke = "#cc0000"
	}
	start, class := "", "link "+l.Kind
	if both {
		start = ` marker-start="url(#arrow)"`
	}
	if !lo.shown[l.ID] {
		class += " extra"
	}
	p.printf(`<g class="%s" data-parent="%s" data-element="%s"><path d="M%.1f,%.1f Q%.1f,%.1f %.1f,%.1f" stroke="%s" stroke-width="%.1f"%s fill="none"%s marker-end="url(#arrow)"/>`,
		esc(class), esc(lo.linkParent(v, l)), esc(l.ID), s[0], s[1], c[0], c[1], e[0], e[1], stroke, width, dash, start)
	if lb, ok := lo.labels[l.ID]; ok && lb.key {
		// In the key under the picture: outside every mesh band.
		p.printf(`<g class="key" data-parent=""><text x="%.0f" y="%.0f" font-size="%d" fill="%s">%s</text></g>`, lb.x, lb.y, linkFont, stroke, esc(lb.text))
	} else if ok {
		p.printf(`<text x="%.0f" y="%.0f" font-size="%d" fill="%s">%s</text>`, lb.x, lb.y, linkFont, stroke, esc(lb.text))
	}
	p.printf("</g>\n")
}

// clip returns where the segment from (x1,y1) inside r towards (x2,y2)
// leaves r.
func clip(r rect, x1, y1, x2, y2 float64) (float64, float64) {
	t := 1.0
	dx, dy := x2-x1, y2-y1
	if dx > 0 {
		t = min(t, (r.x+r.w-x1)/dx)
	} else if dx < 0 {
		t = min(t, (r.x-x1)/dx)
	}
	if dy > 0 {
		t = min(t, (r.y+r.h-y1)/dy)
	} else if dy < 0 {
		t = min(t, (r.y-y1)/dy)
	}
	return x1 + dx*t, y1 + dy*t
}

func esc(s string) string { return html.EscapeString(s) }
