package topology

import (
	"bytes"
	"io"
	"strings"
)

// writeHTML writes one self-contained page: the SVG diagram, and the
// findings grouped by the element they concern. Clicking a finding
// highlights its element. Nothing is loaded from the network.
func writeHTML(w io.Writer, v *View) error {
	var svg bytes.Buffer
	if err := WriteSVG(&svg, v); err != nil {
		return err
	}
	p := &errWriter{w: w}
	p.printf("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>meshcheck topology</title>\n<style>%s</style>\n</head>\n<body>\n", pageCSS)
	p.printf("<h1>Fleet topology</h1>\n")
	for _, m := range v.Meshes {
		p.printf("<p class=\"model\">mesh <b>%s</b>: %s; trust domain %s; root %s</p>\n", esc(m.MeshID), esc(m.Model), esc(strings.Join(m.TrustDomains, ", ")), esc(strings.Join(m.Roots, ", ")))
	}
	shown := len(shownLinks(v))
	// A checkbox before the diagram shows every link (CSS only: no script
	// needed).
	p.printf("<input type=\"checkbox\" id=\"all-links\"><label for=\"all-links\"> show every link (%d of %d are drawn: those with findings, naming no known cluster, or between primaries one way only)</label>\n", shown, len(v.Links))
	p.printf("<div class=\"diagram\">\n%s</div>\n", svg.String())
	fs := v.AllFindings()
	p.printf("<h2>Findings (%d)</h2>\n<ul id=\"findings\">\n", len(fs))
	for _, f := range fs {
		p.printf("<li class=\"%s\" data-element=\"%s\" tabindex=\"0\"><b>%s</b> %s <span class=\"where\">%s</span><br>%s</li>\n",
			f.Severity, esc(f.Element), esc(f.Rule), f.Severity, esc(describeElement(v, f.Element)), esc(f.Message))
	}
	p.printf("</ul>\n")
	if len(fs) == 0 {
		p.printf("<p>No findings.</p>\n")
	}
	p.printf("<script>%s</script>\n</body>\n</html>\n", pageJS)
	return p.err
}

// describeElement names an element for the findings list.
func describeElement(v *View, id string) string {
	for _, c := range v.Clusters {
		if c.ID == id {
			return "cluster " + c.Name
		}
		for _, cp := range c.ControlPlanes {
			if cp.ID == id {
				return "control plane " + cp.Namespace + " (" + cp.Revision + ") in " + c.Name
			}
		}
	}
	for _, n := range v.Networks {
		if n.ID == id {
			return "network " + n.Name
		}
	}
	for _, l := range v.Links {
		if l.ID == id {
			return "link " + describeLink(l)
		}
	}
	for _, m := range v.Meshes {
		if m.ID == id {
			return "mesh " + m.MeshID
		}
	}
	return "fleet"
}

const pageCSS = `body{font-family:Helvetica,Arial,sans-serif;margin:1.5em;color:#222}
.diagram{overflow:auto;border:1px solid #ddd;padding:.5em}
#all-links:checked ~ .diagram .link.extra{display:inline}
#findings{list-style:none;padding:0}
#findings li{border-left:5px solid #999;margin:.4em 0;padding:.4em .6em;cursor:pointer;background:#fafafa}
#findings li.error{border-color:#c00}#findings li.warning{border-color:#c80}#findings li.info{border-color:#48c}
#findings li.selected{background:#e6f0ff}
.where{color:#555}
.hl rect,.hl path{stroke:#0066ff!important;stroke-width:4px!important}
.hl text{fill:#0066ff}`

// pageJS highlights the element of a clicked finding (and its enclosing
// cluster box for a control plane).
const pageJS = `
function highlight(id){
  document.querySelectorAll('.hl').forEach(function(e){e.classList.remove('hl')});
  document.querySelectorAll('#findings li').forEach(function(e){e.classList.toggle('selected', e.getAttribute('data-element')===id)});
  document.querySelectorAll('#topology [data-element]').forEach(function(e){
    if(e.getAttribute('data-element')===id){e.classList.add('hl');}
  });
}
document.querySelectorAll('#findings li').forEach(function(li){
  li.addEventListener('click', function(){highlight(li.getAttribute('data-element'))});
  li.addEventListener('keydown', function(ev){if(ev.key==='Enter'){highlight(li.getAttribute('data-element'))}});
});`
