package topology

import (
	"cmp"
	"fmt"
	"html"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/meshcheck/meshcheck/checks"
)

// SVG layout, in pixels: networks are columns of cluster boxes, up to
// netsPerRow columns per row; links are straight arrows between boxes.
const (
	boxW       = 230
	lineH      = 16
	pad        = 14
	netGap     = 50
	netsPerRow = 5
	arcMax     = 150 // how far a link's control point bows at most (the curve reaches half of it)
)

type rect struct{ x, y, w, h float64 }

func (r rect) center() (float64, float64) { return r.x + r.w/2, r.y + r.h/2 }

// layout places every network and cluster box.
type layout struct {
	nets     map[string]rect
	clusters map[string]rect
	w, h     float64
}

func place(v *View) layout {
	lo := layout{nets: map[string]rect{}, clusters: map[string]rect{}}
	nets := v.Networks
	if extra := unknownTargets(v); len(extra) > 0 {
		nets = append(nets[:len(nets):len(nets)], &Network{ID: "network/?unresolved", Name: "names no known cluster", Clusters: extra})
	}
	// Each mesh starts a row of its own, so that its links stay among its
	// networks rather than crossing the whole picture.
	meshOf := func(n *Network) int {
		for i, m := range v.Meshes {
			for _, c := range n.Clusters {
				if contains(m.Clusters, c) {
					return i
				}
			}
		}
		return len(v.Meshes)
	}
	nets = slices.Clone(nets)
	slices.SortStableFunc(nets, func(a, b *Network) int { return cmp.Compare(meshOf(a), meshOf(b)) })
	x, y, rowH := float64(pad), float64(40+arcMax/2), 0.0
	inRow := 0
	for i, n := range nets {
		if i > 0 && (inRow == netsPerRow || meshOf(n) != meshOf(nets[i-1])) {
			x, y = pad, y+rowH+netGap+arcMax/2
			rowH, inRow = 0, 0
		}
		inRow++
		cy := y + 28
		for _, name := range n.Clusters {
			h := float64(len(svgLines(v, name))*lineH + 12)
			lo.clusters[name] = rect{x + pad, cy, boxW, h}
			cy += h + pad
		}
		r := rect{x, y, boxW + 2*pad, cy - y}
		lo.nets[n.ID] = r
		rowH = max(rowH, r.h)
		x += r.w + netGap
		lo.w = max(lo.w, x)
	}
	lo.h = y + rowH + arcMax/2
	lo.w = max(lo.w, 620) // room for the legend
	return lo
}

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
// embed it as a file). Every element carries
// data-element (its view ID) so the page can highlight it.
func WriteSVG(w io.Writer, v *View) error {
	lo := place(v)
	p := &errWriter{w: w}
	p.printf(`<svg xmlns="http://www.w3.org/2000/svg" id="topology" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="Helvetica, Arial, sans-serif" font-size="12">`+"\n", lo.w, lo.h, lo.w, lo.h)
	// An opaque background keeps the picture readable on dark pages.
	p.printf(`<rect width="100%%" height="100%%" fill="#ffffff"/>` + "\n")
	p.printf(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="10" markerHeight="10" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="context-stroke"/></marker></defs>` + "\n")
	for _, m := range v.Meshes {
		p.printf(`<g class="mesh" data-element="%s"><text x="%d" y="24" font-size="15" font-weight="bold">%s</text></g>`+"\n", esc(m.ID), pad, esc("mesh "+m.MeshID+": "+m.Model))
		break
	}
	p.printf(`<g class="legend" font-size="11" fill="#333"><text x="%d" y="44">thin arrow: remote secret (points at the cluster it reads; two heads: both ways) · thick: served by</text><text x="%d" y="58">dashed red: names no known cluster · red / amber: error / warning findings</text></g>`+"\n", pad, pad)
	for _, n := range append(v.Networks, &Network{ID: "network/?unresolved", Name: "names no known cluster", Clusters: unknownTargets(v)}) {
		r, ok := lo.nets[n.ID]
		if !ok {
			continue
		}
		stroke := "#7a8ca8"
		if len(n.Findings) > 0 {
			stroke = "#cc0000"
		}
		title := "network " + n.Name
		if n.ID == "network/?unresolved" {
			title = n.Name
		}
		if len(n.Findings) > 0 {
			title += " ⚠ " + codes(n.Findings)
		}
		p.printf(`<g class="network" data-element="%s"><rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" rx="10" fill="#f6f8fb" stroke="%s" stroke-dasharray="6 4" stroke-width="1.5"/><text x="%.0f" y="%.0f" font-weight="bold">%s</text></g>`+"\n",
			esc(n.ID), r.x, r.y, r.w, r.h, stroke, r.x+10, r.y+18, esc(title))
	}
	// Two clusters holding remote secrets for each other (multi-primary)
	// get one double-headed line, so a full mesh of n clusters draws
	// n*(n-1)/2 lines rather than n*(n-1).
	both, skip := pairs(v)
	for _, l := range v.Links {
		if skip[l.ID] {
			p.printf(`<g class="link paired" data-element="%s"></g>`+"\n", esc(l.ID))
			continue
		}
		svgLink(p, lo, l, both[l.ID])
	}
	for _, c := range v.Clusters {
		svgCluster(p, lo.clusters[c.Name], c)
	}
	for _, name := range unknownTargets(v) {
		r := lo.clusters[name]
		p.printf(`<g class="cluster unknown"><rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" rx="6" fill="#fff" stroke="#cc0000" stroke-dasharray="4 3"/><text x="%.0f" y="%.0f">%s</text></g>`+"\n",
			r.x, r.y, r.w, r.h, r.x+8, r.y+18, esc(name+"?"))
	}
	p.printf("</svg>\n")
	return p.err
}

func svgCluster(p *errWriter, r rect, c *Cluster) {
	fill, stroke := "#eef4ff", "#4a6fa5"
	switch Worst(c.AllFindings()) {
	case checks.Error:
		fill, stroke = "#ffdddd", "#cc0000"
	case checks.Warning:
		fill, stroke = "#ffe8b3", "#cc8800"
	}
	p.printf(`<g class="cluster" data-element="%s"><rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" rx="6" fill="%s" stroke="%s" stroke-width="1.5"/>`, esc(c.ID), r.x, r.y, r.w, r.h, fill, stroke)
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
		p.printf(`<g%s>%s<text x="%.0f" y="%.0f">%s</text></g>`+"\n", el, bg, r.x+14, y, esc(l))
	}
}

func svgLink(p *errWriter, lo layout, l *Link, both bool) {
	a, okA := lo.clusters[l.From]
	b, okB := lo.clusters[l.To]
	if !okA || !okB {
		return
	}
	x1, y1 := a.center()
	x2, y2 := b.center()
	// Links bow sideways (each direction to its own side) so that they go
	// around the boxes between their ends and a pair of opposite links
	// shows as two arrows.
	dx, dy := x2-x1, y2-y1
	d := math.Hypot(dx, dy)
	if d == 0 {
		return
	}
	bow := min(arcMax, 0.3*d+30)
	cx, cy := (x1+x2)/2-dy/d*bow, (y1+y2)/2+dx/d*bow
	sx, sy := clip(a, x1, y1, cx, cy)
	ex, ey := clip(b, x2, y2, cx, cy)
	stroke, dash, width := "#4a6fa5", "", 1.5
	switch {
	case !l.Resolved:
		stroke, dash = "#cc0000", ` stroke-dasharray="6 4"`
	case l.Kind == LinkControlPlane:
		stroke, width = "#2b4a7a", 3
	}
	if len(l.Findings) > 0 {
		stroke = "#cc0000"
	}
	mx, my := 0.25*sx+0.5*cx+0.25*ex, 0.25*sy+0.5*cy+0.25*ey
	// Plain remote secrets go unlabelled (the legend says what a thin line
	// is); labels are kept for what needs reading.
	label, start := linkLabel(l), ""
	if l.Kind == LinkRemoteSecret && l.Resolved && len(l.Findings) == 0 {
		label = ""
	}
	if both {
		start = ` marker-start="url(#arrow)"`
	}
	p.printf(`<g class="link %s" data-element="%s"><path d="M%.1f,%.1f Q%.1f,%.1f %.1f,%.1f" stroke="%s" stroke-width="%.1f"%s fill="none"%s marker-end="url(#arrow)"/><text x="%.0f" y="%.0f" font-size="10" fill="%s">%s</text></g>`+"\n",
		esc(l.Kind), esc(l.ID), sx, sy, cx, cy, ex, ey, stroke, width, dash, start, mx+4, my-4, stroke, esc(label))
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
