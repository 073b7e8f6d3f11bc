package topology_test

import (
	"encoding/json"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/meshcheck/meshcheck/topology"
)

// clickHook is appended to a copy of the page: it records what the SVG
// holds, then clicks every finding in turn and records what lit up, and
// finally clicks the first one again so that the screenshot shows it.
const clickHook = `<script>
(function(){
  const svg = document.getElementById('topology');
  const box = svg.getBBox();
  const res = {width: box.width, height: box.height, elements: [], clicks: []};
  svg.querySelectorAll('[data-element]').forEach(function(e){ res.elements.push(e.getAttribute('data-element')); });
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

type hookResult struct {
	Width, Height float64
	Elements      []string
	Clicks        []struct {
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
	for _, name := range []string{"example-fleet", "mistake-05-remote-secret-name-differs-from-injection-path", "mistake-03-eastwest-gateway-missing"} {
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
