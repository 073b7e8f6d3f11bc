package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/fileset"
	"github.com/meshcheck/meshcheck/internal/fleetgen"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

func TestMarkdownDiagramAndTable(t *testing.T) {
	set := fileset.Read(fileset.Layout{Fleet: "../examples/fleet"}, strings.NewReader(""), source.DefaultLimits())
	fleet, errs := model.Build(set.Clusters, model.Options{})
	if len(errs) > 0 {
		t.Fatal(errs[0])
	}
	r := fixture()
	r.Command = "lint"
	r.Fleet = fleet
	r.Findings = append(r.Findings, checks.Finding{Rule: "X001", Severity: checks.Warning, Cluster: "us-west",
		Message: "a | b\nc <script>"})
	var b bytes.Buffer
	if err := Write(&b, "markdown", r, Options{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"## meshcheck lint: ",
		"**Mesh mesh1**: multi-primary with remote clusters on different networks",
		"```mermaid\nflowchart LR\n",
		"| Severity | Rule | Cluster | Where | Message |",
		"[NW001](https://meshcheck.io/rules/NW001)",
		`a \| b c &lt;script&gt; |`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "(suppressed)") {
		t.Errorf("suppressed findings shown without ShowSuppressed:\n%s", out)
	}
	// Every table row has the same number of unescaped pipes.
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "| ") {
			if n := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|"); n != 6 {
				t.Errorf("row has %d cell separators, want 6: %s", n, line)
			}
		}
	}
}

// A large fleet's diagram would not fit a comment: it is left out, with a
// pointer to the topology command, and the findings table stays.
func TestMarkdownLeavesOutALargeDiagram(t *testing.T) {
	dir := t.TempDir()
	if err := fleetgen.Write(dir, 60); err != nil {
		t.Fatal(err)
	}
	set := fileset.Read(fileset.Layout{Fleet: dir}, nil, source.DefaultLimits())
	fleet, _ := model.Build(set.Clusters, model.Options{})
	r := fixture()
	r.Fleet = fleet
	var b bytes.Buffer
	if err := Write(&b, "markdown", r, Options{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.Contains(out, "```mermaid") || !strings.Contains(out, "meshcheck topology -o html") || !strings.Contains(out, "| Severity |") {
		t.Errorf("60 clusters: diagram kept or table lost (%d bytes):\n%.600s", len(out), out)
	}
	if len(out) > 65536 {
		t.Errorf("report is %d bytes, more than a GitHub comment holds", len(out))
	}
}
