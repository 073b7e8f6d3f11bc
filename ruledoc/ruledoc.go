// Package ruledoc renders the rule catalog as Markdown: the index that
// `meshcheck rules -o markdown` prints and the per-rule pages of
// docs/rules/, made from each rule's METADATA and its fixtures. It renders
// only; it does not evaluate rules.
package ruledoc

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/meshcheck/meshcheck/checks"
)

// Index renders the catalog as a Markdown table linking each rule's page.
func Index(rules []checks.Rule) string {
	var b strings.Builder
	b.WriteString("# meshcheck rules\n\n")
	b.WriteString("Generated from the rules' METADATA by `meshcheck rules -o markdown`; do not edit.\n\n")
	b.WriteString("| Code | Severity | Scope | Dimensions | Title |\n|---|---|---|---|---|\n")
	for _, r := range rules {
		fmt.Fprintf(&b, "| [%s](%s.md) | %s | %s | %s | %s |\n",
			r.Code, r.Code, r.Severity, r.Scope, strings.Join(r.Dimensions, ", "), escape(r.Title))
	}
	return b.String()
}

// Example is one fixture shown on a rule's page.
type Example struct {
	// Case names the fixture (its directory).
	Case string
	// Files maps a path, relative to the case, to its content.
	Files []File
}

// File is one manifest of an example.
type File struct {
	Path    string
	Content string
}

// Page renders one rule's page: what it checks, why Istio fails on it, how
// to fix it, and examples that pass and fail, taken from its fixtures.
func Page(r checks.Rule, pass, fail []Example) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s: %s\n\n", r.Code, r.Title)
	b.WriteString("<!-- Generated from the rule's METADATA and fixtures (make docs); do not edit. -->\n\n")
	fmt.Fprintf(&b, "| Severity | Scope | Dimensions | Source |\n|---|---|---|---|\n| %s | %s | %s | `%s` |\n\n",
		r.Severity, r.Scope, strings.Join(r.Dimensions, ", "), strings.TrimPrefix(r.Package, "data."))
	fmt.Fprintf(&b, "## What it checks\n\n%s\n\n", strings.TrimSpace(r.Description))
	grounding(&b, r.Istio)
	fmt.Fprintf(&b, "## How to fix\n\n%s\n\n", strings.TrimSpace(r.Remediation))
	referee(&b, r.Referee)
	examples(&b, "Fails", fail)
	examples(&b, "Passes", pass)
	return b.String()
}

// grounding names the Istio behaviour that makes a finding a failure: the
// component, the code or doc that shows it, versions and data-plane modes.
func grounding(b *strings.Builder, g *checks.Grounding) {
	if g == nil {
		return
	}
	b.WriteString("## Why Istio fails\n\n")
	for _, f := range []struct{ name, value string }{
		{"Component", g.Component},
		{"Source", g.Source},
		{"Versions", g.Versions},
		{"Modes", g.Modes},
	} {
		if v := strings.Join(strings.Fields(f.value), " "); v != "" {
			fmt.Fprintf(b, "- **%s**: %s\n", f.name, v)
		}
	}
	b.WriteString("\n")
}

// referee says how Istio's control plane, run by the referee, confirms the
// rule, and on which refereed fleets.
func referee(b *strings.Builder, r *checks.Referee) {
	if r == nil {
		return
	}
	b.WriteString("## Checked against istiod\n\n")
	b.WriteString(strings.TrimSpace(r.Note) + "\n\n")
	if len(r.Fleets) > 0 {
		fleets := make([]string, len(r.Fleets))
		for i, f := range r.Fleets {
			fleets[i] = "`" + f + "`"
		}
		fmt.Fprintf(b, "Refereed on %s ([docs/referee.md](../referee.md)).\n\n", strings.Join(fleets, ", "))
	}
}

// maxExamples keeps pages readable; the rest stay in the fixtures.
const maxExamples = 2

func examples(b *strings.Builder, title string, exs []Example) {
	if len(exs) == 0 {
		return
	}
	fmt.Fprintf(b, "## %s\n\n", title)
	if len(exs) > maxExamples {
		fmt.Fprintf(b, "%d of %d fixtures; all are in testdata/rules/.\n\n", maxExamples, len(exs))
		exs = exs[:maxExamples]
	}
	for _, ex := range exs {
		fmt.Fprintf(b, "### %s\n\n", ex.Case)
		for _, f := range ex.Files {
			fmt.Fprintf(b, "`%s`\n\n```yaml\n%s\n```\n\n", f.Path, shorten(strings.TrimRight(f.Content, "\n")))
		}
	}
}

func escape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// longBase64 is a run of base64 long enough to be a certificate or a
// kubeconfig inline; shorten cuts those, never the text around them.
var longBase64 = regexp.MustCompile(`[A-Za-z0-9+/=]{100,}`)

func shorten(content string) string {
	return longBase64.ReplaceAllStringFunc(content, func(run string) string { return run[:60] + "…" })
}
