package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

// writeText renders the report for people: findings grouped by cluster, one
// compiler-style line each (so editors turn file:line:col into links), then
// input errors and a one-line summary. Plain text unless the front-end asks
// for color (a terminal): it is often piped or pasted into tickets.
func writeText(w io.Writer, r Result, opt Options) error {
	var b strings.Builder
	for i, g := range byCluster(visible(r.Findings, opt)) {
		if i > 0 {
			b.WriteString("\n")
		}
		if g.cluster == "" {
			b.WriteString(fleet + ":\n")
		} else {
			fmt.Fprintf(&b, "cluster %s:\n", g.cluster)
		}
		for _, f := range g.findings {
			writeTextFinding(&b, f, opt.Color)
		}
	}
	if b.Len() > 0 {
		b.WriteString("\n")
	}
	for _, e := range r.Errors {
		fmt.Fprintf(&b, "error: %s\n", joinNonEmpty(": ", inputWhere(e), e.Message))
	}
	for _, e := range r.NotEvaluated {
		fmt.Fprintf(&b, "not evaluated: %s\n", joinNonEmpty(": ", inputWhere(e), e.Message))
	}
	if !opt.Quiet {
		b.WriteString(summaryLine(r.Summary) + "\n")
		if c := coverageOf(r); c != nil {
			b.WriteString(coverageLine(c) + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeTextFinding writes `where: SEVERITY CODE message` and its indented
// fix and see lines. junit reuses it for failure bodies.
func writeTextFinding(b *strings.Builder, f checks.Finding, color bool) {
	sev := strings.ToUpper(f.Severity.String())
	if color {
		sev = severityColor[f.Severity] + sev + "\x1b[0m"
	}
	head := fmt.Sprintf("%s %s %s", sev, f.Rule, f.Message)
	if w := where(f); w != "" {
		head = w + ": " + head
	}
	if f.Suppressed {
		head += " (suppressed"
		if f.SuppressedBy != "" {
			head += ": " + f.SuppressedBy
		}
		head += ")"
	}
	b.WriteString(head + "\n")
	if f.Remediation != "" {
		// Continuation lines line up under the text after "fix: ".
		fix := strings.ReplaceAll(strings.TrimSpace(f.Remediation), "\n", "\n       ")
		fmt.Fprintf(b, "  fix: %s\n", fix)
	}
	for _, l := range f.Related {
		b.WriteString("  see: " + seeText(l) + "\n")
	}
}

// severityColor is the ANSI color of each severity word: red, yellow, cyan.
var severityColor = map[checks.Severity]string{
	checks.Error:   "\x1b[1;31m",
	checks.Warning: "\x1b[33m",
	checks.Info:    "\x1b[36m",
}

// seeText renders a related location as `cluster file:line (Kind ns/name)`,
// leaving out what is unknown.
func seeText(l model.Source) string {
	obj := l.Object.String()
	if obj != "" {
		obj = "(" + obj + ")"
	}
	return joinNonEmpty(" ", l.Cluster, source.Position(l.File, l.Line, l.Column), obj)
}

// summaryLine is the last line of text output, e.g.
// "3 errors, 1 warning, 0 info in 4 clusters (2 suppressed)".
func summaryLine(s checks.Summary) string {
	in := ""
	switch {
	case s.Clusters > 0:
		in = " in " + count(s.Clusters, "cluster", "clusters")
	case s.Files > 0:
		// lint of files that name no cluster still says what was read.
		in = " in " + count(s.Files, "file", "files")
	}
	line := "no findings" + in
	if s.Total > 0 {
		line = fmt.Sprintf("%s, %s, %d info%s",
			count(s.Errors, "error", "errors"), count(s.Warnings, "warning", "warnings"), s.Infos, in)
	}
	if s.Suppressed > 0 {
		line += fmt.Sprintf(" (%d suppressed)", s.Suppressed)
	}
	return line
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
