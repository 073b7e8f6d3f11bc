package topology

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// SVG layout, in pixels. Each mesh is a band holding its networks, laid
// out left to right and wrapped into rows; each network holds its clusters,
// a primary together with the remotes it serves in one group box (remotes
// in a grid under their primary). Nothing is drawn over anything else: link
// labels go where no box or label is, or into a key under the picture.
const (
	lineH      = 16
	pad        = 14
	gap        = 40   // between networks, and between rows of networks
	rowMax     = 1500 // a mesh band wraps its networks into rows this wide
	minBoxW    = 190
	remoteCols = 3   // remotes per row under their primary
	arcMax     = 120 // how far a link's control point bows at most
	legendY    = 18
	linkFont   = 10
)

type rect struct{ x, y, w, h float64 }

func (r rect) center() (float64, float64) { return r.x + r.w/2, r.y + r.h/2 }

func (r rect) meets(o rect) bool {
	return min(r.x+r.w, o.x+o.w)-max(r.x, o.x) > 0 && min(r.y+r.h, o.y+o.h)-max(r.y, o.y) > 0
}

func (r rect) holds(o rect) bool {
	return o.x >= r.x && o.y >= r.y && o.x+o.w <= r.x+r.w && o.y+o.h <= r.y+r.h
}

// textW estimates how wide s is drawn at size px in the fonts browsers pick
// for "Helvetica, Arial, sans-serif" (DejaVu Sans, the widest of them, on
// Linux). The browser test measures the real widths.
func textW(s string, size float64, bold bool) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case strings.ContainsRune(" ", r):
			w += 0.33
		case strings.ContainsRune("iljI.,:;|'!", r):
			w += 0.3
		case strings.ContainsRune("frt()[]/-", r):
			w += 0.42
		case strings.ContainsRune("mwMW@%", r):
			w += 1.0
		case r >= 'A' && r <= 'Z':
			w += 0.75
		case r >= '0' && r <= '9':
			w += 0.64
		case strings.ContainsRune("<>=+~→⇒", r):
			w += 0.85
		case r < 128:
			w += 0.62
		default:
			w += 1.05
		}
	}
	if bold {
		w *= 1.1
	}
	return w * size * 1.04
}

// pbox is one placed rectangle with the element it is drawn in by design.
type pbox struct {
	id, parent string
	r          rect
}

// group is a primary with the remotes it serves, or remotes whose primary
// is on another network.
type group struct {
	pbox
	label  string
	labelY float64
}

// linkLabel is where a link's label goes.
type placedLabel struct {
	x, y float64
	text string
	key  bool // in the key under the picture
}

type layout struct {
	meshes   map[string]pbox // by mesh ID
	nets     map[string]pbox // by network ID
	clusters map[string]pbox // by cluster name
	groups   []group
	labels   map[string]placedLabel // by link ID
	shown    map[string]bool        // links drawn by default (shownLinks)
	keyY     float64                // where the key of link labels starts
	w, h     float64
	// taken are the rectangles already drawn that labels must avoid, with
	// the element they are drawn in.
	taken []pbox
}

// meshLines are the two lines of a mesh band's title.
func meshLines(v *View, m *Mesh) (string, string) {
	title := "mesh " + m.MeshID + ": " + m.Model
	if len(m.Findings) > 0 {
		title += " ⚠ " + codes(m.Findings)
	}
	var primaries, remotes []string
	for _, name := range m.Clusters {
		if c := v.Cluster(name); c != nil {
			switch c.Role {
			case "primary":
				primaries = append(primaries, name)
			case "remote":
				remotes = append(remotes, name)
			}
		}
	}
	var parts []string
	if n := len(primaries); n > 1 {
		have := 0
		for _, l := range v.Links {
			if l.Kind == LinkRemoteSecret && l.Resolved && l.From != l.To && contains(primaries, l.From) && contains(primaries, l.To) {
				have++
			}
		}
		switch want := n * (n - 1); {
		case have == want:
			parts = append(parts, fmt.Sprintf("%d primaries, full mesh of remote secrets", n))
		case have == 0:
			parts = append(parts, fmt.Sprintf("%d primaries, no remote secrets between them", n))
		default:
			parts = append(parts, fmt.Sprintf("%d primaries, remote secrets in %d of %d directions", n, have, want))
		}
	} else if len(primaries) == 1 {
		parts = append(parts, "1 primary")
	}
	if len(remotes) > 0 {
		parts = append(parts, fmt.Sprintf("%d remote(s), each under the primary that serves it", len(remotes)))
	}
	return title, strings.Join(parts, " · ")
}

// legendLines explain the picture.
var legendLines = []string{
	"drawn: links with findings (red), remote secrets naming no known cluster (dashed, to name?), between primaries one way only (amber)",
	"remotes sit under the primary serving them · every link (page toggle): thin arrow: remote secret, pointing at the cluster it reads (two heads: both ways) · thick: served by",
}

func clusterBoxW(v *View, name string) float64 {
	lines := svgLines(v, name)
	w := textW(lines[0], 12, true) + 18
	for _, l := range lines[1:] {
		w = max(w, textW(l, 12, false)+26)
	}
	return math.Ceil(max(minBoxW, w))
}

func clusterBoxH(v *View, name string) float64 {
	return float64(len(svgLines(v, name))*lineH + 12)
}

// unit is what a network stacks: a cluster, or a group of a primary (or
// none, for remotes whose primary is elsewhere) and remotes.
type unit struct {
	head    string // cluster name, or ""
	primary string // for a headless group: who serves its remotes
	remotes []string
}

func units(v *View, n *Network) []unit {
	var out []unit
	idx := map[string]int{}
	for _, name := range n.Clusters {
		c := v.Cluster(name)
		if c != nil && c.Role == "remote" {
			continue
		}
		idx[name] = len(out)
		out = append(out, unit{head: name})
	}
	for _, name := range n.Clusters {
		c := v.Cluster(name)
		if c == nil || c.Role != "remote" {
			continue
		}
		if i, ok := idx[c.Primary]; ok && out[i].head != "" {
			out[i].remotes = append(out[i].remotes, name)
			continue
		}
		key := "served-by/" + c.Primary
		if i, ok := idx[key]; ok {
			out[i].remotes = append(out[i].remotes, name)
			continue
		}
		idx[key] = len(out)
		out = append(out, unit{primary: c.Primary, remotes: []string{name}})
	}
	return out
}

func place(v *View) layout {
	lo := layout{meshes: map[string]pbox{}, nets: map[string]pbox{}, clusters: map[string]pbox{}, labels: map[string]placedLabel{}, shown: shownLinks(v)}
	nets := v.Networks
	if extra := unknownTargets(v); len(extra) > 0 {
		nets = append(nets[:len(nets):len(nets)], &Network{ID: "network/?unresolved", Name: "names no known cluster", Clusters: extra})
	}
	meshOf := func(n *Network) int {
		members := n.Clusters
		if n.ID == "network/?unresolved" {
			members = nil
			for _, l := range v.Links {
				if !l.Resolved {
					members = append(members, l.From)
				}
			}
		}
		for i, m := range v.Meshes {
			for _, c := range members {
				if contains(m.Clusters, c) {
					return i
				}
			}
		}
		return len(v.Meshes)
	}
	y := float64(legendY)
	for _, l := range legendLines {
		w := textW(l, 11, false)
		lo.taken = append(lo.taken, pbox{r: rect{pad, y - 11, w, 14}})
		lo.w = max(lo.w, pad+w+pad)
		y += 14
	}
	y += 12
	for i := 0; i <= len(v.Meshes); i++ {
		var mine []*Network
		for _, n := range nets {
			if meshOf(n) == i {
				mine = append(mine, n)
			}
		}
		if len(mine) == 0 {
			continue
		}
		parent, x0, top := "", float64(pad), y
		if i < len(v.Meshes) {
			m := v.Meshes[i]
			parent = m.ID
			t1, t2 := meshLines(v, m)
			lo.taken = append(lo.taken, pbox{id: m.ID, parent: m.ID, r: rect{pad + 10, y + 6, textW(t1, 14, true), 18}})
			wt := max(textW(t1, 14, true), textW(t2, 11, false))
			if t2 != "" {
				lo.taken = append(lo.taken, pbox{id: m.ID, parent: m.ID, r: rect{pad + 10, y + 26, textW(t2, 11, false), 14}})
			}
			x0, y = pad+pad, y+50
			lo.meshes[m.ID] = pbox{id: m.ID, r: rect{pad, top, wt + 20, 0}}
		}
		x, rowH, right := x0, 0.0, x0
		for _, n := range mine {
			r := placeNetwork(v, &lo, n, parent, 0, 0)
			if x > x0 && x+r.w > rowMax {
				x, y = x0, y+rowH+gap
				rowH = 0
			}
			placeNetwork(v, &lo, n, parent, x, y)
			x += r.w + gap
			rowH = max(rowH, r.h)
			right = max(right, x-gap)
		}
		y += rowH
		if parent != "" {
			b := lo.meshes[parent]
			b.r.w = max(b.r.w, right+pad-b.r.x)
			b.r.h = y + pad - b.r.y
			lo.meshes[parent] = b
			lo.w = max(lo.w, b.r.x+b.r.w+pad)
			y += pad
		}
		lo.w = max(lo.w, right+pad)
		y += gap
	}
	for _, b := range lo.meshes {
		lo.taken = append(lo.taken, b)
	}
	for _, b := range lo.nets {
		lo.taken = append(lo.taken, b)
	}
	for _, g := range lo.groups {
		lo.taken = append(lo.taken, g.pbox, pbox{parent: g.id, r: rect{g.r.x + 8, g.labelY - 10, textW(g.label, 11, false), 14}})
	}
	for _, c := range lo.clusters {
		lo.taken = append(lo.taken, c)
	}
	lo.keyY = y - gap // no gap after the last band
	placeLinkLabels(v, &lo)
	lo.h = lo.keyY
	for _, l := range lo.labels {
		if l.key {
			lo.h = max(lo.h, l.y+10)
			lo.w = max(lo.w, l.x+textW(l.text, linkFont, false)+pad)
		}
	}
	lo.h += pad
	lo.w = math.Ceil(lo.w)
	return lo
}

// placeNetwork lays out network n at (x, y) and returns its rectangle;
// with x and y zero it only measures. Its clusters, and groups of a primary
// and its remotes, flow left to right in rows.
func placeNetwork(v *View, lo *layout, n *Network, parent string, x, y float64) rect {
	measure := x == 0 && y == 0
	title := networkTitle(n)
	us := units(v, n)
	rowW := float64(4 * (minBoxW + pad))
	for _, u := range us {
		w, _ := placeUnit(v, lo, n, u, 0, 0, true)
		rowW = max(rowW, w)
	}
	w := textW(title, 12, true) + 20
	ux, uy, rowH := x+pad, y+28, 0.0
	for _, u := range us {
		uw, uh := placeUnit(v, lo, n, u, 0, 0, true)
		if ux > x+pad && ux+uw > x+pad+rowW {
			ux, uy, rowH = x+pad, uy+rowH+pad, 0
		}
		placeUnit(v, lo, n, u, ux, uy, measure)
		w = max(w, ux+uw+pad-x)
		ux += uw + pad
		rowH = max(rowH, uh)
	}
	r := rect{x, y, math.Ceil(w), uy + rowH + pad - y}
	if !measure {
		lo.nets[n.ID] = pbox{id: n.ID, parent: parent, r: r}
	}
	return r
}

// placeUnit lays out a cluster, or a group of a primary and the remotes it
// serves (remotes in a grid under their primary), at (x, y) and returns its
// size.
func placeUnit(v *View, lo *layout, n *Network, u unit, x, y float64, measure bool) (float64, float64) {
	if len(u.remotes) == 0 {
		bw, bh := clusterBoxW(v, u.head), clusterBoxH(v, u.head)
		if !measure {
			lo.clusters[u.head] = pbox{id: clusterElement(v, u.head), parent: n.ID, r: rect{x, y, bw, bh}}
		}
		return bw, bh
	}
	gid := "group/" + n.ID + "/" + or(u.head, "served-by/"+u.primary)
	cy := y + 10
	gw := 0.0
	if u.head != "" {
		bw, bh := clusterBoxW(v, u.head), clusterBoxH(v, u.head)
		if !measure {
			lo.clusters[u.head] = pbox{id: clusterElement(v, u.head), parent: gid, r: rect{x + 10, cy, bw, bh}}
		}
		gw = bw + 20
		cy += bh + 8
	}
	label := fmt.Sprintf("serves %d remote(s):", len(u.remotes))
	if u.head == "" {
		label = fmt.Sprintf("%d remote(s) served by %s:", len(u.remotes), u.primary)
	}
	labelY := cy + 12
	gw = max(gw, textW(label, 11, false)+20)
	cy += 20
	colW := 0.0
	for _, r := range u.remotes {
		colW = max(colW, clusterBoxW(v, r))
	}
	cols := min(len(u.remotes), remoteCols)
	for i := 0; i < len(u.remotes); i += cols {
		rowH := 0.0
		for j := i; j < min(i+cols, len(u.remotes)); j++ {
			name := u.remotes[j]
			bh := clusterBoxH(v, name)
			if !measure {
				lo.clusters[name] = pbox{id: clusterElement(v, name), parent: gid, r: rect{x + 10 + float64(j-i)*(colW+10), cy, colW, bh}}
			}
			rowH = max(rowH, bh)
		}
		cy += rowH + 10
	}
	gw = max(gw, float64(cols)*(colW+10)+10)
	if !measure {
		lo.groups = append(lo.groups, group{pbox: pbox{id: gid, parent: n.ID, r: rect{x, y, gw, cy - y}}, label: label, labelY: labelY})
	}
	return gw, cy - y
}

func networkTitle(n *Network) string {
	title := "network " + n.Name
	if n.ID == "network/?unresolved" {
		title = n.Name
	}
	if len(n.Findings) > 0 {
		title += " ⚠ " + codes(n.Findings)
	}
	return title
}

func clusterElement(v *View, name string) string {
	if c := v.Cluster(name); c != nil {
		return c.ID
	}
	return "unknown/" + name
}

// ancestors lists the element id is drawn in, then that one's, and so on.
func (lo *layout) ancestors(id string) []string {
	var out []string
	for id != "" && len(out) < 10 {
		out = append(out, id)
		switch {
		case lo.nets[id].id == id:
			id = lo.nets[id].parent
		default:
			i := slices.IndexFunc(lo.groups, func(g group) bool { return g.id == id })
			if i < 0 {
				return out
			}
			id = lo.groups[i].parent
		}
	}
	return out
}

// linkParent is the mesh band a link is drawn in: the one holding both its
// ends, or none.
func (lo *layout) linkParent(v *View, l *Link) string {
	a, b := lo.clusters[l.From], lo.clusters[l.To]
	pa, pb := lo.ancestors(a.parent), lo.ancestors(b.parent)
	for _, m := range v.Meshes {
		if contains(pa, m.ID) && contains(pb, m.ID) {
			return m.ID
		}
	}
	return ""
}

// placeLinkLabels puts the label of every link drawn by default beside its
// line where it covers no pbox and no other label, inside the mesh band of
// the link; a label that finds no such place goes into a key under the
// picture.
func placeLinkLabels(v *View, lo *layout) {
	keyY := lo.keyY + 4
	for _, l := range v.Links {
		if !lo.shown[l.ID] {
			continue
		}
		text := linkLabel(l)
		if len(l.Findings) == 0 && l.Resolved {
			text = oneWayLabel(l)
		}
		a, okA := lo.clusters[l.From]
		b, okB := lo.clusters[l.To]
		if !okA || !okB {
			continue
		}
		_, c, e := curve(a.r, b.r)
		s0x, s0y := clip(a.r, a.r.x+a.r.w/2, a.r.y+a.r.h/2, c[0], c[1])
		w := textW(text, linkFont, false)
		parent := lo.linkParent(v, l)
		var inside *rect
		if parent != "" {
			r := lo.meshes[parent].r
			inside = &r
		}
		free := func(r rect) bool {
			if inside != nil && !inside.holds(r) {
				return false
			}
			if r.x < 0 || r.y < 0 {
				return false
			}
			for _, t := range lo.taken {
				if parent != "" && t.id == parent && t.parent == "" {
					continue // the band the label is in
				}
				if t.r.meets(r) {
					return false
				}
			}
			return true
		}
		placed := false
		for _, t := range []float64{0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.1, 0.9} {
			px := (1-t)*(1-t)*s0x + 2*(1-t)*t*c[0] + t*t*e[0]
			py := (1-t)*(1-t)*s0y + 2*(1-t)*t*c[1] + t*t*e[1]
			for _, at := range [][2]float64{{4, -4}, {-4 - w, -4}, {-w / 2, -6}, {-w / 2, 14}, {4, 12}, {-4 - w, 12}} {
				r := rect{px + at[0] - 2, py + at[1] - 11, w + 4, 15}
				if free(r) {
					lo.labels[l.ID] = placedLabel{x: px + at[0], y: py + at[1], text: text}
					lo.taken = append(lo.taken, pbox{parent: parent, r: r})
					placed = true
					break
				}
			}
			if placed {
				break
			}
		}
		if !placed {
			keyY += 15
			lo.labels[l.ID] = placedLabel{x: pad, y: keyY, text: l.From + " → " + l.To + ": " + text, key: true}
		}
	}
}

// shownLinks are the links drawn by default: those with findings, remote
// secrets naming no known cluster, and a remote secret between two
// primaries of one mesh with none back (the exception to the mesh band's
// title). The others (a full mesh of remote secrets, remotes and the
// primary serving them) are in the picture already as the mesh band's
// title and the groups; the page's toggle draws them as well.
func shownLinks(v *View) map[string]bool {
	out := map[string]bool{}
	ids := map[string]bool{}
	for _, l := range v.Links {
		ids[l.ID] = true
	}
	primary := func(name string) bool { c := v.Cluster(name); return c != nil && c.Role == "primary" }
	sameMesh := func(a, b string) bool {
		return slices.ContainsFunc(v.Meshes, func(m *Mesh) bool { return contains(m.Clusters, a) && contains(m.Clusters, b) })
	}
	for _, l := range v.Links {
		oneWay := l.Kind == LinkRemoteSecret && l.Resolved && primary(l.From) && primary(l.To) && sameMesh(l.From, l.To) &&
			!ids["link/"+l.Kind+"/"+l.To+"/"+l.From]
		if len(l.Findings) > 0 || !l.Resolved || oneWay {
			out[l.ID] = true
		}
	}
	return out
}

// oneWayLabel is the label of a remote secret between primaries with none
// back.
func oneWayLabel(l *Link) string {
	s := linkLabel(l)
	if l.Kind == LinkRemoteSecret && l.Resolved {
		s += ", none back"
	}
	return s
}

// curve returns the ends and control point of the line from a to b: links
// bow sideways (each direction to its own side) so that a pair of opposite
// links shows as two arrows.
func curve(a, b rect) (s, c, e [2]float64) {
	x1, y1 := a.center()
	x2, y2 := b.center()
	dx, dy := x2-x1, y2-y1
	d := math.Hypot(dx, dy)
	if d == 0 {
		return [2]float64{x1, y1}, [2]float64{x1, y1}, [2]float64{x2, y2}
	}
	bow := min(arcMax, 0.3*d+30)
	cx, cy := (x1+x2)/2-dy/d*bow, (y1+y2)/2+dx/d*bow
	sx, sy := clip(a, x1, y1, cx, cy)
	ex, ey := clip(b, x2, y2, cx, cy)
	return [2]float64{sx, sy}, [2]float64{cx, cy}, [2]float64{ex, ey}
}
