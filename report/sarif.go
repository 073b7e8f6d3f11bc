package report

import (
	"io"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/model"
)

const (
	sarifSchemaURI = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion   = "2.1.0"
	projectURI     = "https://github.com/meshcheck/meshcheck"
	// srcRoot is the conventional base for paths relative to the checkout;
	// GitHub code scanning resolves it to the repository root.
	srcRoot = "%SRCROOT%"
)

// writeSARIF renders one SARIF 2.1.0 run for code-scanning UIs. Every
// finding becomes a result, suppressed ones too (with a suppression), so
// that dismissals are visible there rather than silently missing.
func writeSARIF(w io.Writer, r Result, _ Options) error {
	rules, index := sarifRules(r.Rules, r.Findings)
	name := r.Tool
	if name == "" {
		name = "meshcheck" // toolComponent.name is required
	}
	root := joinNonEmpty("-", name, r.Command)
	results := make([]sarifResult, 0, len(r.Findings))
	for _, f := range r.Findings {
		results = append(results, sarifResultOf(f, index[f.Rule], root))
	}
	return encodeJSON(w, sarifLog{
		Schema:  sarifSchemaURI,
		Version: sarifVersion,
		Runs: []sarifRun{{
			Tool:        sarifTool{Driver: sarifDriver{Name: name, Version: r.Version, InformationURI: projectURI, Rules: rules}},
			Invocations: []sarifInvocation{sarifInvocationOf(r.Errors)},
			Results:     results,
		}},
	})
}

// sarifRules builds driver.rules from the catalog and returns each code's
// index. A finding whose rule is missing from the catalog still gets a
// descriptor, made from the finding, so ruleIndex is never dangling.
func sarifRules(catalog []checks.Rule, fs []checks.Finding) ([]sarifRule, map[string]int) {
	rules := make([]sarifRule, 0, len(catalog))
	index := make(map[string]int, len(catalog))
	add := func(c checks.Rule) {
		if _, dup := index[c.Code]; dup {
			return // the schema wants rules unique, and ids must resolve to one
		}
		index[c.Code] = len(rules)
		rules = append(rules, sarifRule{
			ID:                   c.Code,
			Name:                 pascalCase(c.Title),
			ShortDescription:     optText(c.Title),
			FullDescription:      optText(c.Description),
			HelpURI:              absoluteURL(c.Docs),
			Help:                 optText(c.Remediation),
			DefaultConfiguration: sarifConfig{Level: sarifLevel(c.Severity)},
			Properties:           sarifRuleFields{Dimensions: c.Dimensions, Scope: c.Scope, Tags: uniqueStrings(c.Dimensions)},
		})
	}
	for _, c := range catalog {
		add(c)
	}
	for _, f := range fs {
		add(checks.Rule{Code: f.Rule, Title: f.Title, Severity: f.Severity, Remediation: f.Remediation, Docs: f.Docs})
	}
	return rules, index
}

// sarifResultOf renders one finding. Its location always has a physical
// location, which GitHub code scanning requires of every result: the
// finding's file; else, for a finding about no one object (fleet-wide), the
// first related place that has a file; else the live object's artifact
// under root (see liveArtifact).
func sarifResultOf(f checks.Finding, ruleIndex int, root string) sarifResult {
	res := sarifResult{RuleID: f.Rule, RuleIndex: ruleIndex, Level: sarifLevel(f.Severity)}
	res.Message.Text = f.Message
	if f.Remediation != "" {
		res.Message.Text += "\nfix: " + f.Remediation
	}
	loc, ok := sarifLocationOf(f.Cluster, f.Object, f.File, f.Line, f.Column)
	if !ok {
		// A fleet-wide finding is about no single object; naming the fleet
		// keeps it apart from the findings of one cluster.
		loc.LogicalLocations = []sarifLogical{{Name: fleet, FullyQualifiedName: fleet}}
	}
	if loc.PhysicalLocation == nil && f.Cluster == "" && f.Object == (model.ObjectRef{}) {
		if i := slices.IndexFunc(f.Related, func(l model.Source) bool { return l.File != "" }); i >= 0 {
			l := f.Related[i]
			rel, _ := sarifLocationOf(l.Cluster, l.Object, l.File, l.Line, l.Column)
			loc.PhysicalLocation = rel.PhysicalLocation
		}
	}
	if loc.PhysicalLocation == nil {
		loc.PhysicalLocation = &sarifPhysical{ArtifactLocation: liveArtifact(root, f.Cluster, f.Object)}
	}
	res.Locations = []sarifLocation{loc}
	// relatedLocations must be unique; Path is not rendered, so two places
	// that differ only by field path are one SARIF location.
	seen := map[model.Source]bool{}
	for _, l := range f.Related {
		key := l
		key.Path = ""
		if loc, ok := sarifLocationOf(l.Cluster, l.Object, l.File, l.Line, l.Column); ok && !seen[key] {
			seen[key] = true
			loc.Message = &sarifText{Text: seeText(l)}
			res.RelatedLocations = append(res.RelatedLocations, loc)
		}
	}
	if f.Suppressed {
		res.Suppressions = []sarifSuppression{{Kind: "external", Justification: f.SuppressedBy}}
	}
	if f.Cluster != "" || f.Path != "" {
		res.Properties = &sarifResultFields{Cluster: f.Cluster, Path: f.Path}
	}
	return res
}

// sarifLocationOf gives a physical location when the file is known (with a
// region only for a known line) and a logical one naming the object, so
// that findings from live clusters, which have no file, still say where.
func sarifLocationOf(cluster string, obj model.ObjectRef, file string, line, col int) (sarifLocation, bool) {
	var loc sarifLocation
	if file != "" {
		loc.PhysicalLocation = &sarifPhysical{ArtifactLocation: artifactURI(file)}
		if line > 0 {
			loc.PhysicalLocation.Region = &sarifRegion{StartLine: line}
			if col > 0 {
				loc.PhysicalLocation.Region.StartColumn = col
			}
		}
	}
	if fqn := joinNonEmpty("/", cluster, obj.Kind, obj.Namespace, obj.Name); fqn != "" {
		name := obj.Name
		if name == "" {
			name = fqn[strings.LastIndex(fqn, "/")+1:]
		}
		loc.LogicalLocations = []sarifLogical{{Name: name, FullyQualifiedName: fqn, Kind: "resource"}}
	}
	return loc, loc.PhysicalLocation != nil || loc.LogicalLocations != nil
}

// liveArtifact is the artifact of a finding that has no file, as when audit
// reads live clusters without --snapshot: the relative URI
// ROOT/CLUSTER/KIND/NAMESPACE/NAME (ROOT is "meshcheck-audit" for audit),
// each part path-escaped (an EKS context's "/" becomes %2F) and unknown
// parts left out, so a cluster-scoped object is ROOT/CLUSTER/KIND/NAME, a
// finding about a cluster as a whole ROOT/CLUSTER and one about the whole
// fleet ROOT. No file of that name exists: the URI only gives code-scanning
// UIs, which require a file for every result, a stable place per object
// (one alert per object and rule), and its description says what it is.
func liveArtifact(root string, cluster string, obj model.ObjectRef) sarifArtifact {
	parts := []string{root}
	for _, p := range []string{cluster, obj.Kind, obj.Namespace, obj.Name} {
		if p != "" {
			parts = append(parts, url.PathEscape(p))
		}
	}
	what := "the fleet"
	if cluster != "" {
		what = "cluster " + cluster
	}
	if obj.Kind != "" || obj.Name != "" {
		what = joinNonEmpty(" ", obj.String(), "in", what)
	}
	return sarifArtifact{URI: strings.Join(parts, "/"),
		Description: &sarifText{Text: what + ": no file; audit --snapshot DIR gives findings the snapshot's files and lines"}}
}

// artifactURI turns a file path into a URI reference with forward slashes.
// Relative paths stay relative, to %SRCROOT%, which is what lets GitHub
// place annotations; absolute ones become file:// URIs.
func artifactURI(file string) sarifArtifact {
	p := filepath.ToSlash(file)
	if filepath.IsAbs(file) || strings.HasPrefix(p, "/") {
		if !strings.HasPrefix(p, "/") {
			p = "/" + p // Windows C:/x becomes file:///C:/x
		}
		return sarifArtifact{URI: (&url.URL{Scheme: "file", Path: p}).String()}
	}
	for strings.HasPrefix(p, "./") {
		p = p[2:]
	}
	return sarifArtifact{URI: (&url.URL{Path: p}).String(), URIBaseID: srcRoot}
}

func sarifInvocationOf(errs []InputError) sarifInvocation {
	inv := sarifInvocation{ExecutionSuccessful: len(errs) == 0}
	for _, e := range errs {
		n := sarifNotification{Level: "error", Message: sarifText{Text: e.Message}}
		if loc, ok := sarifLocationOf(e.Cluster, model.ObjectRef{}, e.File, e.Line, e.Column); ok {
			n.Locations = []sarifLocation{loc}
		}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
	}
	return inv
}

func sarifLevel(s checks.Severity) string {
	switch s {
	case checks.Error:
		return "error"
	case checks.Info:
		return "note"
	}
	return "warning" // SARIF's own default level
}

// pascalCase makes reportingDescriptor.name from a title:
// "Network label mismatch" -> "NetworkLabelMismatch".
func pascalCase(s string) string {
	var b strings.Builder
	for _, word := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		r, size := utf8.DecodeRuneInString(word)
		b.WriteRune(unicode.ToUpper(r))
		b.WriteString(word[size:])
	}
	return b.String()
}

// uniqueStrings drops repeats, keeping order: property-bag tags must be unique.
func uniqueStrings(ss []string) []string {
	var out []string
	for _, s := range ss {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// optText leaves out empty descriptions: multiformatMessageString requires text.
func optText(s string) *sarifText {
	if s == "" {
		return nil
	}
	return &sarifText{Text: s}
}

// absoluteURL keeps s only if it is an absolute URL, as helpUri must be.
func absoluteURL(s string) string {
	if u, err := url.Parse(s); err == nil && u.IsAbs() && u.Host != "" {
		return s
	}
	return ""
}
