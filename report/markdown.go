package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/topology"
)

// maxMarkdownDiagram bounds the Mermaid diagram a Markdown report embeds: a
// GitHub comment holds 65,536 characters, and Mermaid draws at most 500
// edges (docs/topology.md: 50 clusters are about 19 KB and 225 edges).
const maxMarkdownDiagram = 20_000

// writeMarkdown renders a summary for CI job summaries and pull-request
// comments: the summary line, the install model and the Mermaid diagram of
// the fleet (when the front-end passes the model), and a table of findings.
// GitHub renders ```mermaid blocks as diagrams.
func writeMarkdown(w io.Writer, r Result, opt Options) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## meshcheck %s: %s\n\n", r.Command, summaryLine(r.Summary))
	if r.Fleet != nil {
		v := topology.Build(r.Fleet, r.Findings, r.Rules)
		for _, m := range v.Meshes {
			fmt.Fprintf(&b, "**Mesh %s**: %s\n\n", mdCell(m.MeshID), mdCell(m.Model))
		}
		var diagram bytes.Buffer
		if err := topology.Write(&diagram, "mermaid", v); err != nil {
			return err
		}
		if diagram.Len() > maxMarkdownDiagram {
			fmt.Fprintf(&b, "_The diagram of the %d clusters (%d KB of Mermaid) is left out: too large for a comment. `meshcheck topology -o html` draws it._\n\n", len(v.Clusters), diagram.Len()/1000)
		} else {
			fmt.Fprintf(&b, "```mermaid\n%s```\n\n", diagram.String())
		}
	}
	fs := visible(r.Findings, opt)
	if len(fs) > 0 {
		b.WriteString("| Severity | Rule | Cluster | Where | Message |\n|---|---|---|---|---|\n")
		for _, f := range fs {
			msg := f.Message
			if f.Suppressed {
				msg += " (suppressed)"
			}
			rule := mdCell(f.Rule)
			if f.Docs != "" {
				rule = "[" + rule + "](" + f.Docs + ")"
			}
			fmt.Fprintf(&b, "| %s %s | %s | %s | %s | %s |\n",
				severityMark(f.Severity), f.Severity, rule, mdCell(groupName(f.Cluster)), mdCode(where(f)), mdCell(msg))
		}
		b.WriteString("\n")
	}
	if len(r.Errors) > 0 {
		b.WriteString("**Input errors**\n\n")
		for _, e := range r.Errors {
			fmt.Fprintf(&b, "- %s\n", mdCell(joinNonEmpty(": ", inputWhere(e), e.Message)))
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func severityMark(s checks.Severity) string {
	switch s {
	case checks.Error:
		return "🔴"
	case checks.Warning:
		return "🟠"
	}
	return "🔵"
}

// mdCell keeps text inside one table cell: no pipes, no line breaks, no
// HTML a PR comment would interpret.
func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "\r", "", "<", "&lt;", ">", "&gt;").Replace(s)
}

func mdCode(s string) string {
	if s == "" {
		return ""
	}
	return "`" + strings.NewReplacer("`", "'", "|", `\|`, "\n", " ").Replace(s) + "`"
}
