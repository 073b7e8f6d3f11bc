package topology_test

import (
	"encoding/json"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/meshcheck/meshcheck/internal/fleetgen"
	"github.com/meshcheck/meshcheck/topology"
)

// clickHook is appended to a copy of the page: it records what the SVG
// holds and measures its boxes and labels (layoutHook), then clicks every
// finding in turn and records what lit up, and finally clicks the first one
// again so that the screenshot shows it.
const clickHook = `<script>
(function(){
  const svg = document.getElementById('topology');
  const box = svg.getBBox();
  const res = {width: box.width, height: box.height, elements: [], clicks: []};
  svg.querySelectorAll('[data-element]').forEach(function(e){ res.elements.push(e.getAttribute('data-element')); });
` + layoutHook + `
  const items = Array.from(document.querySelectorAll('#findings li'));
  items.forEach(function(li){
    li.click();
    const lit = Array.from(svg.querySelectorAll('.hl'));
    const shape = lit.length ? lit[0].querySelector('rect, path, text') : null;
    res.clicks.push({finding: li.getAttribute('data-element'),
      highlighted: lit.map(function(e){ return e.getAttribute('data-element'); }),
      stroke: shape ? getComputedStyle(shape).stroke + '|' + getComputedStyle(shape).fill : ''});
  });
  if (items.length) { items[0].click(); }
  const pre = document.createElement('pre');
  pre.id = 'hook-result';
  pre.textContent = JSON.stringify(res);
  document.body.appendChild(pre);
})();
</script>`

// layoutHook measures, in the rendered page, every box and every label of
// the SVG and lists the pairs that overlap (res.overlaps), as well as the
// links drawn by default and after the "all links" toggle (res.links,
// res.allLinks), and how many cluster boxes the drawn links cross
// (res.crossings).
//
// A box is the first rect of a group marked data-box; its data-parent names
// the box it is drawn in by design (a cluster in its network, a remote in
// its primary's group, a network in its mesh). A label is a visible, non-
// empty text; it belongs to the box of its nearest data-box group, or else
// to the data-parent of its nearest group that has one (a link's label is
// drawn in the mesh of its link). Two items overlap when their bounding
// rectangles (getBoundingClientRect) intersect by more than half a pixel
// both ways, except that a box and an item drawn in it, directly or
// through other boxes, must instead hold that item entirely (a label or
// box that spills out of its box is reported too).
const layoutHook = `
  res.overlaps = []; res.boxes = 0; res.labels = 0;
  (function(){
    const parentOf = {};
    const items = [];
    svg.querySelectorAll('g[data-box]').forEach(function(g){
      const id = g.getAttribute('data-element') || g.getAttribute('data-box');
      parentOf[id] = g.getAttribute('data-parent') || '';
      const r = g.querySelector(':scope > rect');
      if (r) { items.push({kind: 'box', id: id, name: id, r: r.getBoundingClientRect()}); }
    });
    svg.querySelectorAll('text').forEach(function(t){
      const r = t.getBoundingClientRect();
      if (!t.textContent.trim() || r.width === 0 || getComputedStyle(t).display === 'none') { return; }
      let owner = '';
      const g = t.closest('g[data-box], g[data-parent]');
      if (g && g.hasAttribute('data-box')) { owner = g.getAttribute('data-element') || g.getAttribute('data-box'); }
      else if (g) { owner = g.getAttribute('data-parent'); }
      items.push({kind: 'label', id: owner, name: 'label "' + t.textContent.trim() + '"', r: r});
    });
    // within reports whether item b is drawn in box a (a is b's box or an
    // ancestor of it).
    function within(a, b) {
      if (a.kind !== 'box') { return false; }
      let id = b.kind === 'box' ? parentOf[b.id] : b.id;
      for (let n = 0; id && n < 100; n++) {
        if (id === a.id) { return true; }
        id = parentOf[id];
      }
      return false;
    }
    const eps = 0.5;
    function holds(a, b) {
      return b.left >= a.left - eps && b.right <= a.right + eps && b.top >= a.top - eps && b.bottom <= a.bottom + eps;
    }
    function meets(a, b) {
      return Math.min(a.right, b.right) - Math.max(a.left, b.left) > eps && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > eps;
    }
    for (let i = 0; i < items.length; i++) {
      for (let j = i + 1; j < items.length; j++) {
        const a = items[i], b = items[j];
        if (within(a, b)) {
          if (!holds(a.r, b.r)) { res.overlaps.push(b.name + ' spills out of ' + a.name); }
        } else if (within(b, a)) {
          if (!holds(b.r, a.r)) { res.overlaps.push(a.name + ' spills out of ' + b.name); }
        } else if (meets(a.r, b.r)) {
          res.overlaps.push(a.name + ' overlaps ' + b.name);
        }
      }
    }
    res.boxes = items.filter(function(x){ return x.kind === 'box'; }).length;
    res.labels = items.length - res.boxes;
    // Links: those drawn now, and how many cluster boxes other than their
    // ends their lines cross.
    function drawn() {
      return Array.from(svg.querySelectorAll('g.link path')).filter(function(p){ return p.getBoundingClientRect().width + p.getBoundingClientRect().height > 0; });
    }
    function crossings(paths) {
      const clusters = Array.from(svg.querySelectorAll('g.cluster[data-box]')).map(function(g){ return {id: g.getAttribute('data-element'), r: g.querySelector(':scope > rect').getBoundingClientRect()}; });
      let n = 0;
      paths.forEach(function(p){
        const parts = (p.closest('g.link').getAttribute('data-element') || '').split('/');
        const ends = ['cluster/' + parts[2], 'cluster/' + parts.slice(3).join('/')];
        const len = p.getTotalLength(), m = p.getScreenCTM(), pts = [];
        for (let s = 0; s <= len; s += 6) { pts.push(p.getPointAtLength(s).matrixTransform(m)); }
        clusters.forEach(function(c){
          if (ends.indexOf(c.id) >= 0) { return; }
          const r = c.r;
          if (pts.some(function(q){ return q.x > r.left + 2 && q.x < r.right - 2 && q.y > r.top + 2 && q.y < r.bottom - 2; })) { n++; }
        });
      });
      return n;
    }
    const now = drawn();
    res.links = now.length;
    res.crossings = crossings(now);
    const toggle = document.getElementById('all-links');
    res.allLinks = -1;
    if (toggle) {
      toggle.click();
      const all = drawn();
      res.allLinks = all.length;
      res.allCrossings = crossings(all);
      toggle.click();
    }
  })();
`

type hookResult struct {
	Width, Height float64
	Elements      []string
	Overlaps      []string
	Boxes, Labels int
	// Links are the link lines drawn by default, AllLinks those drawn
	// once the toggle shows every link (-1: the page has no toggle).
	Links, AllLinks int
	// Crossings counts the cluster boxes that the drawn links cross, by
	// default and with the toggle.
	Crossings, AllCrossings int
	Clicks                  []struct {
		Finding     string
		Highlighted []string
		Stroke      string
	}
}

// artifactDir keeps screenshots where a person can open them after the run:
// bin/test-artifacts/topology (gitignored), and t.ArtifactDir() for -artifacts.
func artifactDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "bin", "test-artifacts", "topology")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestHTMLInChromium opens the HTML page in headless chromium, checks that
// the SVG rendered with an element per cluster, network and link, that a
// click on each finding highlights the element it concerns, and keeps a
// screenshot.
func TestHTMLInChromium(t *testing.T) {
	for _, name := range []string{"example-fleet", "mistake-05-remote-secret-name-differs-from-injection-path", "mistake-03-eastwest-gateway-missing", "hostile-names"} {
		t.Run(name, func(t *testing.T) {
			v := view(t, fleets(t)[name])
			page := render(t, v, "html")
			if strings.Contains(page, "http://") && !strings.Contains(page, `xmlns="http://www.w3.org/2000/svg"`) || regexp.MustCompile(`(src|href)="https?:`).MatchString(page) {
				t.Fatal("the page loads something from the network")
			}
			hooked := strings.Replace(page, "</body>", clickHook+"\n</body>", 1)
			file := filepath.Join(t.TempDir(), name+".html")
			if err := os.WriteFile(file, []byte(hooked), 0o644); err != nil {
				t.Fatal(err)
			}
			res := runHook(t, file)
			for _, o := range res.Overlaps {
				t.Errorf("overlap: %s", o)
			}
			if res.Width < 100 || res.Height < 50 {
				t.Errorf("SVG rendered %.0fx%.0f, want a real diagram", res.Width, res.Height)
			}
			want := expectedElements(v)
			for _, id := range want {
				if !slices.Contains(res.Elements, id) {
					t.Errorf("SVG has no element %q (has %v)", id, res.Elements)
				}
			}
			fs := v.AllFindings()
			if len(res.Clicks) != len(fs) {
				t.Fatalf("page lists %d findings, want %d", len(res.Clicks), len(fs))
			}
			for i, c := range res.Clicks {
				if c.Finding != fs[i].Element {
					t.Errorf("finding %d is pinned to %q, want %q", i, c.Finding, fs[i].Element)
				}
				if fs[i].Element == "fleet" {
					continue
				}
				if !slices.Equal(c.Highlighted, []string{c.Finding}) {
					t.Errorf("clicking %s %s highlighted %v, want exactly [%s]", fs[i].Rule, c.Finding, c.Highlighted, c.Finding)
				}
				if !strings.Contains(c.Stroke, "rgb(0, 102, 255)") {
					t.Errorf("highlighted %s is drawn %q, want the highlight colour", c.Finding, c.Stroke)
				}
			}
			shot, err := filepath.Abs(filepath.Join(artifactDir(t), name+".png"))
			if err != nil {
				t.Fatal(err)
			}
			headless(t, file, "--window-size=1280,900", "--hide-scrollbars", "--screenshot="+shot)
			if st, err := os.Stat(shot); err != nil || st.Size() < 10_000 {
				t.Fatalf("screenshot %s missing or blank: %v", shot, err)
			}
			if data, err := os.ReadFile(shot); err == nil {
				_ = os.WriteFile(filepath.Join(t.ArtifactDir(), name+".png"), data, 0o644)
			}
			t.Logf("screenshot: %s", shot)
		})
	}
}

func runHook(t *testing.T, file string) hookResult {
	t.Helper()
	dom := string(headless(t, file, "--dump-dom"))
	m := regexp.MustCompile(`(?s)<pre id="hook-result">(.*?)</pre>`).FindStringSubmatch(dom)
	if m == nil {
		t.Fatalf("the test hook did not run; DOM tail:\n%s", tail(dom, 1500))
	}
	var res hookResult
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &res); err != nil {
		t.Fatalf("hook result: %v\n%s", err, m[1])
	}
	return res
}

func expectedElements(v *topology.View) []string {
	var out []string
	for _, c := range v.Clusters {
		out = append(out, c.ID)
		for _, cp := range c.ControlPlanes {
			out = append(out, cp.ID)
		}
	}
	for _, n := range v.Networks {
		out = append(out, n.ID)
	}
	for _, l := range v.Links {
		out = append(out, l.ID)
	}
	return out
}

// TestHTMLAtScale draws one mesh of 1, 3, 10 and 50 clusters (the example
// fleet, and fleetgen's multi-primary and primary-remote shapes) and fails
// when any two boxes or labels of the picture overlap in chromium (see
// layoutHook for what counts), or when the page draws links without
// findings before the toggle asks for them. Screenshots are kept.
func TestHTMLAtScale(t *testing.T) {
	for _, tc := range []struct {
		name  string
		n     int
		shape fleetgen.Shape
		dir   string
		// broken adds mistakes to a generated fleet, so that links with
		// findings (and their labels) are drawn.
		broken bool
	}{
		{name: "scale-01-cluster", n: 1, shape: fleetgen.MultiPrimary},
		{name: "scale-03-clusters-example-fleet", n: 3, dir: "../examples/fleet"},
		{name: "scale-10-clusters-multi-primary", n: 10, shape: fleetgen.MultiPrimary},
		{name: "scale-10-clusters-multi-primary-broken", n: 10, shape: fleetgen.MultiPrimary, broken: true},
		{name: "scale-10-clusters-primary-remote", n: 10, shape: fleetgen.Mixed},
		{name: "scale-50-clusters-mixed", n: 50, shape: fleetgen.Mixed},
		{name: "scale-50-clusters-multi-primary", n: 50, shape: fleetgen.MultiPrimary},
		{name: "scale-50-clusters-primary-remote", n: 50, shape: fleetgen.PrimaryRemote},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := tc.dir
			if dir == "" {
				dir = t.TempDir()
				if err := fleetgen.WriteMesh(dir, tc.n, tc.shape); err != nil {
					t.Fatal(err)
				}
				if tc.broken {
					breakFleet(t, dir)
				}
			}
			v := view(t, dir)
			if len(v.Clusters) != tc.n {
				t.Fatalf("fleet has %d clusters, want %d", len(v.Clusters), tc.n)
			}
			page := render(t, v, "html")
			file := filepath.Join(t.TempDir(), tc.name+".html")
			if err := os.WriteFile(file, []byte(strings.Replace(page, "</body>", clickHook+"\n</body>", 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			res := runHook(t, file)
			t.Logf("%d clusters: %d boxes, %d labels, %d overlaps; %d links drawn crossing %d cluster boxes (%d crossing %d with the toggle); SVG %.0fx%.0f",
				tc.n, res.Boxes, res.Labels, len(res.Overlaps), res.Links, res.Crossings, res.AllLinks, res.AllCrossings, res.Width, res.Height)
			for _, o := range res.Overlaps {
				t.Errorf("overlap: %s", o)
			}
			if res.Boxes < tc.n {
				t.Errorf("measured %d boxes for %d clusters: the hook does not see the picture", res.Boxes, tc.n)
			}
			withFindings, lines := 0, 0
			ids := map[string]*topology.Link{}
			for _, l := range v.Links {
				ids[l.ID] = l
			}
			for _, l := range v.Links {
				primaries := func(a, b string) bool {
					return v.Cluster(a) != nil && v.Cluster(a).Role == "primary" && v.Cluster(b) != nil && v.Cluster(b).Role == "primary"
				}
				if len(l.Findings) > 0 || !l.Resolved || l.Kind == topology.LinkRemoteSecret && primaries(l.From, l.To) && ids["link/"+l.Kind+"/"+l.To+"/"+l.From] == nil {
					withFindings++ // and primaries one way only (single-mesh fleets)
				}
				// Remote secrets both ways without findings are one line.
				rev := ids["link/"+l.Kind+"/"+l.To+"/"+l.From]
				if l.Kind != topology.LinkRemoteSecret || rev == nil || l.From < l.To ||
					len(l.Findings)+len(rev.Findings) > 0 || !l.Resolved || !rev.Resolved {
					lines++
				}
			}
			if res.Links != withFindings {
				t.Errorf("%d links drawn by default, want the %d with findings or one way between primaries", res.Links, withFindings)
			}
			if res.AllLinks != lines {
				t.Errorf("%d link lines drawn with the toggle, want all %d (%d links)", res.AllLinks, lines, len(v.Links))
			}
			screenshot(t, file, tc.name, res)
		})
	}
}

// breakFleet gives two clusters of a generated multi-primary fleet remote
// secrets for clusters the fleet does not have (drawn dashed, with
// findings), and takes one remote secret away (a primary missing one way).
func breakFleet(t *testing.T, dir string) {
	t.Helper()
	for _, c := range []struct{ in, peer, ghost string }{{"cluster003", "cluster001", "cluster999"}, {"cluster008", "cluster002", "cluster-gone-long-name"}} {
		data, err := os.ReadFile(filepath.Join(dir, c.in, "remote-secret-"+c.peer+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		ghost := strings.ReplaceAll(string(data), c.peer, c.ghost)
		if err := os.WriteFile(filepath.Join(dir, c.in, "remote-secret-"+c.ghost+".yaml"), []byte(ghost), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Remove(filepath.Join(dir, "cluster007", "remote-secret-cluster002.yaml")); err != nil {
		t.Fatal(err)
	}
}

// screenshot keeps a picture of the page, in a window wide enough for the
// whole SVG at its own size, in artifactDir and t.ArtifactDir().
func screenshot(t *testing.T, file, name string, res hookResult) {
	t.Helper()
	shot, err := filepath.Abs(filepath.Join(artifactDir(t), name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	w := min(max(1280, int(res.Width)+80), 4000)
	h := min(max(900, int(res.Height)+300+40*len(res.Clicks)), 6000)
	headless(t, file, fmt.Sprintf("--window-size=%d,%d", w, h), "--hide-scrollbars", "--screenshot="+shot)
	if st, err := os.Stat(shot); err != nil || st.Size() < 10_000 {
		t.Fatalf("screenshot %s missing or blank: %v", shot, err)
	}
	if data, err := os.ReadFile(shot); err == nil {
		_ = os.WriteFile(filepath.Join(t.ArtifactDir(), name+".png"), data, 0o644)
	}
	t.Logf("screenshot: %s", shot)
}
