package topology

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Lanes are how the ascii format draws links when the whole fleet fits in
// one row of network boxes: each link gets a row of its own under the
// boxes, with a line down from the source cluster and up into the target.
// Every cluster has an outgoing port left of its centre and an incoming one
// right of it, so that lines in and out stay apart.
const (
	maxLanes  = 12
	portShift = 2
)

// placedCluster is where a cluster's box sits in the drawn row.
type placedCluster struct{ out, in int }

// lanes returns the link rows for a single row of network frames, or false
// when links cannot be drawn unambiguously (then they are listed instead).
func lanes(v *View, at map[string]placedCluster, width int) ([]string, bool) {
	type lane struct {
		from, to  int
		both      bool
		line      byte
		label     string
		arrowHead bool
	}
	both, skip := pairs(v)
	var ls []lane
	for _, l := range v.Links {
		if skip[l.ID] || !l.Resolved {
			continue
		}
		a, okA := at[l.From]
		b, okB := at[l.To]
		if !okA || !okB {
			return nil, false
		}
		ln := lane{from: a.out, to: b.in, line: '-', label: l.From + " ---> " + l.To + "  remote secret: " + l.From + " reads " + l.To}
		switch {
		case both[l.ID]:
			ln = lane{from: a.in, to: b.in, both: true, line: '-', label: l.From + " <--> " + l.To + "  remote secrets both ways"}
		case l.Kind == LinkControlPlane:
			ln = lane{from: a.out, to: b.in, line: '=', label: l.From + " ===> " + l.To + "  " + l.From + " is served by " + l.To}
		}
		if len(l.Findings) > 0 {
			ln.label += " !! " + codes(l.Findings)
		}
		ls = append(ls, ln)
	}
	// Lanes reaching furthest right go on top: a lane's lines only cross
	// the rows above it, so every row ends where its own lane does and its
	// label can follow it.
	slices.SortStableFunc(ls, func(a, b lane) int { return max(b.from, b.to) - max(a.from, a.to) })
	if len(ls) == 0 || len(ls) > maxLanes {
		return nil, len(ls) == 0
	}
	canvas := make([][]byte, len(ls)+1)
	for i := range canvas {
		canvas[i] = []byte(strings.Repeat(" ", width))
	}
	for i, ln := range ls {
		lo, hi := min(ln.from, ln.to), max(ln.from, ln.to)
		for x := lo + 1; x < hi; x++ {
			canvas[i+1][x] = ln.line
		}
	}
	// Verticals are drawn over horizontals: a line that crosses another
	// lane shows as a gap in that lane.
	for i, ln := range ls {
		for _, x := range []int{ln.from, ln.to} {
			for y := 1; y <= i; y++ {
				canvas[y][x] = '|'
			}
		}
	}
	for i, ln := range ls {
		canvas[i+1][ln.from], canvas[i+1][ln.to] = '+', '+'
	}
	for _, ln := range ls {
		canvas[0][ln.to] = '^'
		if ln.both {
			canvas[0][ln.from] = '^'
		} else if canvas[0][ln.from] == ' ' {
			canvas[0][ln.from] = '|'
		}
	}
	// Each lane ends with its number; the key below names it, so the
	// picture stays as wide as the boxes.
	out := make([]string, len(canvas), 2*len(canvas))
	for i, row := range canvas {
		out[i] = strings.TrimRight(string(row), " ")
		if i > 0 {
			out[i] += " " + strconv.Itoa(i)
		}
	}
	out = append(out, "")
	for i, ln := range ls {
		out = append(out, fmt.Sprintf("  %d: %s", i+1, ln.label))
	}
	return out, true
}
