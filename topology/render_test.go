package topology_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestDOTRendersWithGraphviz feeds each fleet's DOT to Debian's graphviz:
// it must produce an SVG, without warnings, holding every cluster.
func TestDOTRendersWithGraphviz(t *testing.T) {
	dot := requireTool(t, "dot", "dot (Debian package graphviz)")
	for name, dir := range fleets(t) {
		t.Run(name, func(t *testing.T) {
			v := view(t, dir)
			cmd := exec.Command(dot, "-Tsvg")
			cmd.Stdin = strings.NewReader(render(t, v, "dot"))
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			if err := cmd.Run(); err != nil {
				t.Fatalf("dot: %v\n%s", err, errb.String())
			}
			if errb.Len() > 0 {
				t.Errorf("dot warned: %s", errb.String())
			}
			svg := html.UnescapeString(out.String()) // graphviz writes - as &#45;
			if !strings.Contains(svg, "<svg") {
				t.Fatalf("no SVG in dot's output:\n%s", svg)
			}
			for _, c := range v.Clusters {
				if !strings.Contains(svg, ">"+c.Name+" (") {
					t.Errorf("cluster %s missing from the SVG", c.Name)
				}
			}
		})
	}
}

// TestMermaidRendersInChromium loads the pinned mermaid package into
// headless chromium with every fleet's diagram, renders them all in one
// page, and checks each produced an SVG with a node per cluster.
func TestMermaidRendersInChromium(t *testing.T) {
	js, err := os.ReadFile(mermaidJS(t))
	if err != nil {
		t.Fatal(err)
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range fleets(t) {
			if !yield(n) {
				return
			}
		}
	})
	diagrams := map[string]string{}
	views := map[string][]string{}
	for _, n := range names {
		v := view(t, fleets(t)[n])
		diagrams[n] = render(t, v, "mermaid")
		for _, c := range v.Clusters {
			views[n] = append(views[n], c.Name)
		}
	}
	// A broken diagram must be reported, or the harness proves nothing.
	diagrams["zz-control-broken"] = "flowchart LR\n  a[\"x\" --> ]]\n"
	data, err := json.Marshal(diagrams)
	if err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(t.TempDir(), "mermaid.html")
	doc := `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<script>` + strings.ReplaceAll(string(js), "</script", `<\/script`) + `</script>
<script>
const diagrams = ` + string(data) + `;
mermaid.initialize({startOnLoad: false, securityLevel: 'strict'});
(async () => {
  // Appended after the scripts, so that the DOM dump lists the results last.
  const out = document.body.appendChild(document.createElement('div'));
  let i = 0;
  for (const [name, src] of Object.entries(diagrams)) {
    const div = document.createElement('div');
    div.setAttribute('data-fleet', name);
    try {
      const r = await mermaid.render('d' + (i++), src);
      div.innerHTML = r.svg;
    } catch (e) {
      div.textContent = 'RENDER-ERROR: ' + e;
    }
    out.appendChild(div);
  }
  document.body.setAttribute('data-done', 'yes');
})();
</script></body></html>`
	if err := os.WriteFile(page, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	dom := string(headless(t, page, "--dump-dom"))
	if !strings.Contains(dom, `data-done="yes"`) {
		t.Fatalf("mermaid did not finish rendering in chromium; DOM tail:\n%s", tail(dom, 2000))
	}
	if !strings.Contains(dom[strings.Index(dom, `data-fleet="zz-control-broken"`):], "RENDER-ERROR") {
		t.Errorf("a broken diagram rendered without error: the harness does not see mermaid errors")
	}
	for _, n := range names {
		t.Run(n, func(t *testing.T) {
			start := strings.Index(dom, fmt.Sprintf(`data-fleet="%s"`, n))
			if start < 0 {
				t.Fatalf("no output for %s", n)
			}
			part := dom[start:]
			if end := strings.Index(part[1:], `data-fleet="`); end >= 0 {
				part = part[:end+1]
			}
			if strings.Contains(part, "RENDER-ERROR") {
				t.Fatalf("mermaid failed: %s\n%s", tail(part, 500), diagrams[n])
			}
			if !strings.Contains(part, "<svg") {
				t.Fatalf("no SVG rendered for %s", n)
			}
			for _, c := range views[n] {
				if !strings.Contains(part, c+" (") {
					t.Errorf("cluster %s has no node in the SVG", c)
				}
			}
		})
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
